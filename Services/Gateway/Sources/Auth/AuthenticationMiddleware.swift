import Hummingbird

/// Requires a valid credential on every route behind it and puts the caller in the context.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let authenticator: Authenticator
    /// Leaves the API-key rate limit of `POST …/send` to the send route, which counts it in the
    /// same Redis script that queues the message.
    var sendCountsRateLimit = false

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let deferRateLimit = sendCountsRateLimit && request.method == .post && request.uri.path.hasSuffix("/send")
        let identity = try await authenticator.authenticate(request, deferRateLimit: deferRateLimit)
        context.identity = identity
        context.logger[metadataKey: "sb.organization_id"] = "\(identity.organizationID)"
        return try await next(request, context)
    }
}
