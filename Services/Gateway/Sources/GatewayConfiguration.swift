import ServiceRuntime

/// The gateway's configuration: the shared variables plus its own (contract: "Configuration";
/// the rest are ours, listed in docs/configuration.md).
package struct GatewayConfiguration: Sendable {
    package var service: ServiceConfiguration
    /// `JWT_SECRET`: signs the dashboard's JWTs (HS256).
    package var jwtSecret: String
    /// `JWT_EXPIRES_SECONDS`: JWT lifetime (default 24 h).
    package var jwtLifetime: Duration
    /// `SESSION_IDLE_TIMEOUT_SECONDS`: a dashboard session ends after this long unused (default 2 h).
    package var sessionIdleTimeout: Duration
    /// `SESSION_ABSOLUTE_TIMEOUT_SECONDS`: and this long after login in any case (default 24 h).
    package var sessionAbsoluteTimeout: Duration
    /// `SESSION_COOKIE_SECURE`: mark the cookie `Secure` (set it when serving HTTPS).
    package var secureCookies: Bool
    /// `API_KEY_RATE_LIMIT_PER_MINUTE`: requests per minute per API key; 0 disables (default 6000).
    package var apiKeyRateLimitPerMinute: Int
    /// `BCRYPT_COST`: bcrypt work factor for passwords (default 12).
    package var bcryptCost: UInt8
    /// `DIRECTORY_RESYNC_SECONDS`: full directory rewrite interval (default 60).
    package var directoryResyncInterval: Duration
    /// `PROXY_TIMEOUT_SECONDS`: how long a forwarded request may take (default 30).
    package var proxyTimeout: Duration
    /// Send path limits: `MESSAGE_VALIDITY_SECONDS`, `MESSAGE_STATUS_TTL_SECONDS`, `EVENTS_MAXLEN`.
    package var send: SendController.SendSettings
    /// `SENDER_URL`.
    package var senderURL: String
    /// `LOG_INDEXER_URL`.
    package var logIndexerURL: String
    /// `SESSION_MANAGER_URL`.
    package var sessionManagerURL: String

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .gateway, environment: environment)
        self.jwtSecret = try environment.required("JWT_SECRET")
        self.jwtLifetime = .seconds(try environment.int("JWT_EXPIRES_SECONDS", default: 86_400, in: 60...31_536_000))
        self.sessionIdleTimeout = .seconds(try environment.int("SESSION_IDLE_TIMEOUT_SECONDS", default: 7_200, in: 60...31_536_000))
        self.sessionAbsoluteTimeout = .seconds(
            try environment.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default: 86_400, in: 60...31_536_000))
        self.secureCookies = try environment.bool("SESSION_COOKIE_SECURE", default: false)
        self.apiKeyRateLimitPerMinute = try environment.int("API_KEY_RATE_LIMIT_PER_MINUTE", default: 6_000, in: 0...100_000_000)
        self.bcryptCost = UInt8(try environment.int("BCRYPT_COST", default: 12, in: 4...31))
        self.directoryResyncInterval = .seconds(try environment.int("DIRECTORY_RESYNC_SECONDS", default: 60, in: 1...86_400))
        self.proxyTimeout = .seconds(try environment.int("PROXY_TIMEOUT_SECONDS", default: 30, in: 1...3_600))
        var send = SendController.SendSettings()
        send.validity = .seconds(try environment.int("MESSAGE_VALIDITY_SECONDS", default: 36_000, in: 1...2_592_000))
        send.statusTTL = .seconds(try environment.int("MESSAGE_STATUS_TTL_SECONDS", default: 604_800, in: 60...31_536_000))
        send.eventsMaxLength = try environment.int("EVENTS_MAXLEN", default: 1_000_000, in: 1_000...1_000_000_000)
        self.send = send
        self.senderURL = try environment.httpURL("SENDER_URL", default: "http://127.0.0.1:8081")
        self.logIndexerURL = try environment.httpURL("LOG_INDEXER_URL", default: "http://127.0.0.1:8083")
        self.sessionManagerURL = try environment.httpURL("SESSION_MANAGER_URL", default: "http://127.0.0.1:8084")
    }
}
