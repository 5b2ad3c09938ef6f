import Foundation
import HTTPTypes
import Hummingbird

/// Encodes a value as a JSON response with the given status and headers.
package func jsonResponse(
    _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
) throws -> Response {
    var headers = headers
    headers[.contentType] = "application/json; charset=utf-8"
    let encoder = JSONEncoder()
    // Stable key order: the same resource always reads the same (and diffs cleanly).
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// A 204 No Content response.
package func noContentResponse() -> Response {
    Response(status: .noContent)
}

extension Request {
    /// Decodes the JSON body, answering 400 with a clear detail when it is missing or malformed
    /// (and 400 naming the field for a missing field or a wrong type).
    package func decodeJSON<T: Decodable>(_ type: T.Type, context: some RequestContext, maxSize: Int = 1 << 20) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: maxSize)
        } catch {
            throw APIError(.contentTooLarge, "Request body is larger than \(maxSize) bytes")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("Request body is required") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw APIError.badRequest("Request body is not valid JSON")
        } catch let error as DecodingError {
            throw APIError(.unprocessableContent, Self.describe(error))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("Request body is not valid JSON")
        }
    }

    /// A decoding error as one line naming the field.
    package static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "Field required: \(field)"
        case .typeMismatch(let type, let context):
            return "Invalid type for \(path(context.codingPath)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "Field \(path(context.codingPath)) may not be null: expected \(Self.typeName(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "Request body is not valid JSON" : "Invalid value for \(path(context.codingPath))"
        @unknown default:
            return "Request body is invalid"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type, is Int64.Type: "integer"
        case is Double.Type: "number"
        case is Bool.Type: "boolean"
        case is [Any].Type: "array"
        default: "object"
        }
    }
}
