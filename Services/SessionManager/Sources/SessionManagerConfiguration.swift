import Foundation
import ServiceRuntime

/// session-manager's configuration: the shared variables plus session, consumer and forwarding
/// settings (docs/configuration.md, "session-manager").
package struct SessionManagerConfiguration: Sendable {
    package var service: ServiceConfiguration
    /// `SESSION_TTL_SECONDS`: how long a session lives after its last message.
    package var sessionTTL: Duration
    /// `SESSION_SWEEP_INTERVAL_SECONDS`: how often expired sessions' conversations are completed.
    package var sweepInterval: Duration
    /// `EVENTS_BATCH_SIZE`: entries read per `XREADGROUP` on `sms:events` and `calls:ingest`.
    package var eventsBatchSize: Int
    /// `EVENTS_BLOCK_MILLISECONDS`: how long a read waits for new entries.
    package var eventsBlock: Duration
    /// `CONSUMER_NAME`: this process's consumer name in the `session-manager` groups.
    package var consumerName: String
    /// `PENDING_RECLAIM_IDLE_SECONDS`: entries another consumer left unacknowledged this long are claimed.
    package var reclaimIdle: Duration
    /// `PROCESSED_MESSAGE_RETENTION_DAYS`: how long message ids are remembered for deduplication.
    package var processedRetention: Duration
    /// Forwarding to assistants' webhooks.
    package var forwarding: ForwardingPolicy

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .sessionManager, environment: environment)
        self.sessionTTL = .seconds(try environment.int("SESSION_TTL_SECONDS", default: 86_400, in: 1...31_536_000))
        self.sweepInterval = .milliseconds(
            Int(try environment.double("SESSION_SWEEP_INTERVAL_SECONDS", default: 60) * 1000))
        guard sweepInterval >= .milliseconds(10) else {
            throw ConfigurationError.invalid(variable: "SESSION_SWEEP_INTERVAL_SECONDS", reason: "expected at least 0.01")
        }
        self.eventsBatchSize = try environment.int("EVENTS_BATCH_SIZE", default: 1000, in: 1...10_000)
        self.eventsBlock = .milliseconds(try environment.int("EVENTS_BLOCK_MILLISECONDS", default: 1000, in: 1...60_000))
        let host = ProcessInfo.processInfo.hostName
        self.consumerName = environment.string("CONSUMER_NAME", default: "session-manager-\(host)")
        self.reclaimIdle = .seconds(try environment.int("PENDING_RECLAIM_IDLE_SECONDS", default: 60, in: 1...86_400))
        self.processedRetention = .seconds(
            86_400 * (try environment.int("PROCESSED_MESSAGE_RETENTION_DAYS", default: 7, in: 1...365)))
        self.forwarding = ForwardingPolicy(
            maxAttempts: try environment.int("FORWARD_MAX_ATTEMPTS", default: 8, in: 1...100),
            maxElapsed: .seconds(try environment.int("FORWARD_MAX_ELAPSED_SECONDS", default: 3600, in: 0...604_800)),
            initialBackoff: .milliseconds(try environment.int("FORWARD_INITIAL_BACKOFF_MILLISECONDS", default: 1000, in: 1...3_600_000)),
            maxBackoff: .seconds(try environment.int("FORWARD_MAX_BACKOFF_SECONDS", default: 300, in: 1...86_400)),
            requestTimeout: .seconds(try environment.int("FORWARD_TIMEOUT_SECONDS", default: 10, in: 1...300)),
            concurrency: try environment.int("FORWARD_CONCURRENCY", default: 32, in: 1...1024),
            pollInterval: .milliseconds(try environment.int("FORWARD_POLL_MILLISECONDS", default: 500, in: 1...60_000))
        )
    }
}
