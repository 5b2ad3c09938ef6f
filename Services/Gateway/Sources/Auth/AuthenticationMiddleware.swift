import Hummingbird

/// Requires a valid credential on every route behind it and puts the caller in the context.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let authenticator: Authenticator

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let identity = try await authenticator.authenticate(request)
        context.identity = identity
        context.logger[metadataKey: "sb.organization_id"] = "\(identity.organizationID)"
        return try await next(request, context)
    }
}
