import Foundation
import HTTPTypes
import Hummingbird
import WireModels

/// An error that reaches HTTP as a status and a `{"detail": ...}` body.
package struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    /// The response status.
    package var status: HTTPResponse.Status
    /// The `detail` text.
    package var detail: String
    /// Extra headers, such as `Retry-After`.
    package var headers: HTTPFields

    package init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    package var description: String { "\(status.code) \(detail)" }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.response(status: status, detail: detail, headers: headers)
    }

    /// A JSON `{"detail": ...}` response.
    package static func response(status: HTTPResponse.Status, detail: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = (try? JSONEncoder().encode(ErrorDetail(detail: detail))) ?? Data(#"{"detail":"error"}"#.utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIError {
    /// 400 with the given detail.
    package static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, detail) }
    /// 401 with the given detail.
    package static func unauthorized(_ detail: String) -> APIError { APIError(.unauthorized, detail) }
    /// 403 with the given detail.
    package static func forbidden(_ detail: String) -> APIError { APIError(.forbidden, detail) }
    /// 404 with the given detail.
    package static func notFound(_ detail: String) -> APIError { APIError(.notFound, detail) }
    /// 409 with the given detail.
    package static func conflict(_ detail: String) -> APIError { APIError(.conflict, detail) }
    /// 422 with the given detail.
    package static func unprocessable(_ detail: String) -> APIError { APIError(.unprocessableContent, detail) }
    /// 503 with the given detail.
    package static func unavailable(_ detail: String) -> APIError { APIError(.serviceUnavailable, detail) }
}
