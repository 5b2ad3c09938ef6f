import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import HummingbirdBcrypt
import SQLiteStore
import ServiceRuntime
import WireModels

/// Builds the gateway: the public HTTP API, authentication, the tenant directory and the routes
/// it forwards to the internal services.
package func buildApplication(
    configuration: GatewayConfiguration, databaseLocation: SQLiteDatabase.Location? = nil, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: GatewayMigrations.all, databaseLocation: databaseLocation,
        logger: logger)
    let secrets = SecretBox(key: configuration.service.secretsKey)
    let http = HTTPClientService()
    let directory = DirectoryPublisher(
        database: host.database, redis: host.redis, resyncInterval: configuration.directoryResyncInterval, logger: host.logger)
    let usage = APIKeyUsageRecorder(database: host.database, logger: host.logger)
    let jwt = JWTSigner(secret: configuration.jwtSecret)
    let sessions = DashboardSessionStore(
        redis: host.redis, idleTimeout: configuration.sessionIdleTimeout, absoluteTimeout: configuration.sessionAbsoluteTimeout)
    let apiKeys = APIKeyCache()
    let rateLimiter = RateLimiter(limitPerMinute: configuration.apiKeyRateLimitPerMinute, redis: host.redis, logger: host.logger)
    let authenticator = Authenticator(
        database: host.database, redis: host.redis, jwt: jwt, sessions: sessions, usage: usage, rateLimiter: rateLimiter,
        apiKeys: apiKeys)
    let passwords = PasswordHasher(cost: configuration.bcryptCost)

    let router = host.makeRouter(access: .open, context: GatewayRequestContext.self)
    AuthController(
        database: host.database, redis: host.redis, jwt: jwt, sessions: sessions, passwords: passwords,
        authenticator: authenticator, tokenLifetime: configuration.jwtLifetime, secureCookies: configuration.secureCookies,
        decoyHash: Bcrypt.hash(SecretToken.random(count: 32), cost: configuration.bcryptCost)
    ).addRoutes(to: router)

    let api = router.group("/api/v1").add(middleware: AuthenticationMiddleware(authenticator: authenticator))
    OrganizationController(database: host.database, secrets: secrets, directory: directory).addRoutes(to: api)
    APIKeyController(database: host.database, usage: usage, apiKeys: apiKeys).addRoutes(to: api)
    AssistantController(database: host.database, secrets: secrets, directory: directory).addRoutes(to: api)
    PhoneNumberController(database: host.database, directory: directory).addRoutes(to: api)

    let proxy = ProxyController(httpClient: http.client, internalToken: configuration.service.internalToken, timeout: configuration.proxyTimeout)
    let sessionManager = ProxyController.Upstream(name: "session-manager", baseURL: configuration.sessionManagerURL)
    let logIndexer = ProxyController.Upstream(name: "log-indexer", baseURL: configuration.logIndexerURL)
    let sender = ProxyController.Upstream(name: "sender", baseURL: configuration.senderURL)
    let all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
    for prefix in ["sms-sessions", "sms-conversations", "calls"] {
        proxy.forward(RouterPath(prefix), methods: all, on: api, to: sessionManager)
        proxy.forward(RouterPath("\(prefix)/**"), methods: all, on: api, to: sessionManager)
    }
    proxy.forward("sms-logs", methods: all, on: api, to: logIndexer)
    proxy.forward("sms-logs/**", methods: all, on: api, to: logIndexer)
    proxy.forward("sms/:call_id/logs", methods: [.get], on: api, to: logIndexer)

    let sms = router.group("/sms").add(middleware: AuthenticationMiddleware(authenticator: authenticator, sendCountsRateLimit: true))
    SendController(
        redis: host.redis, numbers: DirectoryCache(redis: host.redis, secrets: secrets), rateLimiter: rateLimiter, httpClient: http.client,
        senderURL: configuration.senderURL, internalToken: configuration.service.internalToken, settings: configuration.send
    ).addRoutes(to: sms)
    proxy.forward("queue/stats", methods: [.get], on: sms, to: sender)
    proxy.forward(":message_id/status", methods: [.get], on: sms, to: sender)
    proxy.forward(":message_id", methods: [.delete], on: sms, to: sender)

    // The publisher runs after the Redis pool starts (it resyncs at once) and stops before it.
    return host.makeApplication(router: router, services: [http, directory, usage])
}
