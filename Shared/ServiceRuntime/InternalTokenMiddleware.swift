import HTTPTypes
import Hummingbird
import WireModels

/// Lets a request through only when it carries the shared `X-Internal-Token`.
///
/// `/health`, `/ready` and the given public path prefixes (webhook-ingest's `/webhooks/`) are exempt.
/// The comparison takes the same time wherever the tokens differ.
package struct InternalTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: [UInt8]
    private let publicPrefixes: [String]

    package init(token: String, publicPathPrefixes: [String] = []) {
        self.token = Array(token.utf8)
        self.publicPrefixes = ["/health", "/ready"] + publicPathPrefixes
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if publicPrefixes.contains(where: { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
            return try await next(request, context)
        }
        guard let presented = request.headers[HTTPField.Name(InternalHeaders.token)!],
            Self.constantTimeEquals(Array(presented.utf8), token)
        else {
            throw APIError.unauthorized("Missing or invalid internal token")
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so timing tells nothing about where the inputs differ.
    package static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
