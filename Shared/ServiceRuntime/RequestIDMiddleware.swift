import HTTPTypes
import Hummingbird
import WireModels

/// Echoes the request id (Hummingbird's `hb.request.id`, also in every log line of the request)
/// as `X-Request-Id`, so a caller can quote it and an operator can find the logs.
package struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    package init() {}

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name(InternalHeaders.requestID)!] = context.id
        return response
    }
}
