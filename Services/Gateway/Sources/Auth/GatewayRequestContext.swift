import Hummingbird
import ServiceRuntime

/// The gateway's request context: Hummingbird's core plus the authenticated caller.
package struct GatewayRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` on every authenticated route.
    package var identity: AuthIdentity?

    package init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
    }

    /// The caller, or 401 (a route behind the middleware always has one).
    package func requireIdentity() throws -> AuthIdentity {
        guard let identity else { throw APIError.unauthorized("Not authenticated") }
        return identity
    }
}
