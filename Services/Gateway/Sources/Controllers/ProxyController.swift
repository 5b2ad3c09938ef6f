import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceRuntime
import WireModels

/// Forwards the routes other services own: status codes, headers (`Content-Disposition` too) and
/// bodies pass through unchanged and are streamed both ways. The internal service gets
/// `X-Internal-Token` and the caller's organization and user; the caller's own credentials and
/// any `X-Switchboard-*` headers it sent are dropped. A service that is down gets 503 naming it,
/// within the connect timeout; a service that stalls gets 504 after the request timeout.
struct ProxyController: Sendable {
    /// One internal service: its name (for the 503's detail) and base URL.
    struct Upstream: Sendable {
        var name: String
        var baseURL: String
    }

    let httpClient: HTTPClient
    let internalToken: String
    let timeout: Duration

    /// Hop-by-hop headers and our own credentials never cross the proxy.
    private static let droppedRequestHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
        "upgrade", "host", "authorization", "cookie", "content-length", "x-internal-token",
    ]
    private static let droppedResponseHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
        "upgrade", "content-length",
    ]

    /// Registers every method on `path` (Hummingbird patterns, `**` for the rest of the path).
    func forward(_ path: RouterPath, methods: [HTTPRequest.Method], on group: RouterGroup<GatewayRequestContext>, to upstream: Upstream) {
        for method in methods {
            group.on(path, method: method) { request, context in
                try await proxy(request, context: context, to: upstream)
            }
        }
    }

    func proxy(_ request: Request, context: GatewayRequestContext, to upstream: Upstream) async throws -> Response {
        let identity = try context.requireIdentity()
        var outbound = HTTPClientRequest(url: upstream.baseURL + request.uri.description)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.droppedRequestHeaders.contains(field.name.canonicalName)
            && !field.name.canonicalName.hasPrefix("x-switchboard-")
        {
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        outbound.headers.replaceOrAdd(name: InternalHeaders.token, value: internalToken)
        outbound.headers.replaceOrAdd(name: InternalHeaders.organizationID, value: String(identity.organizationID))
        outbound.headers.replaceOrAdd(name: InternalHeaders.userID, value: String(identity.userID))
        outbound.headers.replaceOrAdd(name: InternalHeaders.requestID, value: context.id)
        if request.method != .get, request.method != .head {
            let length = request.headers[.contentLength].flatMap(Int.init)
            outbound.body = .stream(request.body, length: length.map { .known(Int64($0)) } ?? .unknown)
        }

        let upstreamResponse: HTTPClientResponse
        do {
            upstreamResponse = try await httpClient.execute(outbound, timeout: .init(timeout))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw APIError(.gatewayTimeout, "\(upstream.name) did not answer in time")
        } catch {
            context.logger.warning("upstream unavailable", metadata: ["sb.upstream": "\(upstream.name)", "sb.error": "\(error)"])
            throw APIError.unavailable("\(upstream.name) is unavailable")
        }
        var headers = HTTPFields()
        for (name, value) in upstreamResponse.headers where !Self.droppedResponseHeaders.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        let length = upstreamResponse.headers.first(name: "content-length").flatMap(Int.init)
        let body = upstreamResponse.body
        return Response(
            status: HTTPResponse.Status(code: Int(upstreamResponse.status.code), reasonPhrase: upstreamResponse.status.reasonPhrase),
            headers: headers,
            body: ResponseBody(contentLength: length) { writer in
                try await writer.write(body)
                try await writer.finish(nil)
            })
    }
}
