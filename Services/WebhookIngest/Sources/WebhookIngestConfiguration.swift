import ServiceRuntime

/// webhook-ingest's configuration: the shared variables plus the address providers call and the
/// webhook policy (docs/configuration.md).
package struct WebhookIngestConfiguration: Sendable {
    package var service: ServiceConfiguration
    /// `WEBHOOK_PUBLIC_URL`: Twilio signatures are checked against it.
    package var webhookPublicURL: String
    /// `VONAGE_SIGNATURE_METHOD`: how SMS API callbacks are signed (`md5hash`, `md5`, `sha1`, `sha256`, `sha512`).
    package var vonageSignatureMethod: String
    /// `WEBHOOK_DEDUPE_SECONDS`: how long a provider event is remembered to drop duplicates (24 h).
    package var dedupeWindow: Duration
    /// `WEBHOOK_ARCHIVE_RETENTION_DAYS`: how long every received request is kept for debugging (7).
    package var archiveRetentionDays: Int
    /// `TELNYX_SIGNATURE_TOLERANCE_SECONDS`: oldest accepted Telnyx timestamp (300).
    package var telnyxTolerance: Duration
    /// `EVENTS_MAXLEN`: approximate cap of `sms:events`.
    package var eventsMaxLength: Int

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .webhookIngest, environment: environment)
        self.webhookPublicURL = try environment.httpURL("WEBHOOK_PUBLIC_URL", default: "http://127.0.0.1:8082")
        let method = environment.string("VONAGE_SIGNATURE_METHOD", default: "md5hash").lowercased()
        guard ["md5hash", "md5", "sha1", "sha256", "sha512"].contains(method) else {
            throw ConfigurationError.invalid(variable: "VONAGE_SIGNATURE_METHOD", reason: "expected md5hash, md5, sha1, sha256 or sha512")
        }
        self.vonageSignatureMethod = method
        self.dedupeWindow = .seconds(try environment.int("WEBHOOK_DEDUPE_SECONDS", default: 86_400, in: 60...2_592_000))
        self.archiveRetentionDays = try environment.int("WEBHOOK_ARCHIVE_RETENTION_DAYS", default: 7, in: 1...365)
        self.telnyxTolerance = .seconds(try environment.int("TELNYX_SIGNATURE_TOLERANCE_SECONDS", default: 300, in: 1...86_400))
        self.eventsMaxLength = try environment.int("EVENTS_MAXLEN", default: 1_000_000, in: 1_000...1_000_000_000)
    }
}
