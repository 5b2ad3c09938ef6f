import HTTPTypes
import Hummingbird
import Logging

/// Renders every error as `{"detail": ...}` with its status, in one place per process.
///
/// `APIError` keeps its text; Hummingbird's `HTTPError` (unknown route, undecodable body) keeps its
/// status and message; anything else becomes a 500 with a generic text and is logged at `error`
/// with the request id, so no internal detail leaks to the caller.
package struct DetailErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    package init() {}

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIError.response(status: error.status, detail: error.detail, headers: error.headers)
        } catch let error as HTTPError {
            let detail = error.body ?? Self.defaultDetail(for: error.status)
            return APIError.response(status: error.status, detail: detail, headers: error.headers)
        } catch let error as any HTTPResponseError {
            return APIError.response(status: error.status, detail: Self.defaultDetail(for: error.status))
        } catch {
            context.logger.error("Unhandled error", metadata: ["sb.error": "\(String(reflecting: error))"])
            return APIError.response(status: .internalServerError, detail: "Internal server error")
        }
    }

    static func defaultDetail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        default: status.reasonPhrase
        }
    }
}
