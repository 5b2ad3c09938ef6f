import Foundation
import ServiceRuntime

/// The sender's configuration: the shared variables, provider base URLs, the public webhook
/// address, pacing rates, the retry policy and the consumer settings (docs/configuration.md).
package struct SenderConfiguration: Sendable {
    package var service: ServiceConfiguration
    /// `TWILIO_API_BASE`.
    package var twilioAPIBase: String
    /// `TELNYX_API_BASE`.
    package var telnyxAPIBase: String
    /// `VONAGE_API_BASE` (the Messages API, `/v1/messages`).
    package var vonageAPIBase: String
    /// `WEBHOOK_PUBLIC_URL`: status-callback URLs are built from it.
    package var webhookPublicURL: String
    /// Pacing rates per provider name (`twilio`, `telnyx`, `vonage`).
    package var pacing: [String: PacingRates]
    /// `SENDER_PACING_BURST`: tokens a bucket holds when full (messages sent back to back after a pause).
    package var pacingBurst: Double
    /// `SEND_MAX_ATTEMPTS`: provider calls per message before it is given up.
    package var maxAttempts: Int
    /// `SEND_BACKOFF_BASE_MS`: the first retry waits up to this long (full jitter).
    package var backoffBase: Duration
    /// `SEND_BACKOFF_MAX_MS`: no retry waits longer than this (unless the provider asks for more).
    package var backoffMax: Duration
    /// `SENDER_CONCURRENCY`: messages in flight per provider in this process.
    package var concurrency: Int
    /// `SENDER_CLAIM_IDLE_SECONDS`: a queue entry idle this long is taken over from its consumer.
    package var claimIdle: Duration
    /// `PROVIDER_TIMEOUT_SECONDS`: one provider request, from sending to the last byte of the reply.
    package var providerTimeout: Duration
    /// `MESSAGE_STATUS_TTL_SECONDS`: how long a status hash and the provider-id mapping are kept.
    package var statusTTL: Duration
    /// `MESSAGE_VALIDITY_SECONDS`: the validity given to envelopes added without `valid_until`.
    package var validity: Duration
    /// `EVENTS_MAXLEN`: approximate cap of `sms:events`.
    package var eventsMaxLength: Int
    /// `SENDER_CONSUMER_NAME`: this process's consumer name in the `sender` group.
    package var consumerName: String

    /// The two token-bucket rates of one provider, in messages per second; 0 turns a limit off.
    package struct PacingRates: Sendable, Equatable {
        /// Per sending number.
        package var perNumber: Double
        /// Per provider account (Twilio Account SID, Telnyx or Vonage API key).
        package var perAccount: Double

        package init(perNumber: Double, perAccount: Double) {
            self.perNumber = perNumber
            self.perAccount = perAccount
        }
    }

    /// Defaults from providers.md §7.1: a US long code sends 1 message per second with each
    /// provider; accounts are capped at Twilio 100/s (the REST concurrency figure, unconfirmed),
    /// Telnyx 50/s (account SMS) and Vonage 30/s (requests per API key).
    package static let defaultPacing: [String: PacingRates] = [
        "twilio": PacingRates(perNumber: 1, perAccount: 100),
        "telnyx": PacingRates(perNumber: 1, perAccount: 50),
        "vonage": PacingRates(perNumber: 1, perAccount: 30),
    ]

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .sender, environment: environment)
        self.twilioAPIBase = try environment.httpURL("TWILIO_API_BASE", default: "https://api.twilio.com")
        self.telnyxAPIBase = try environment.httpURL("TELNYX_API_BASE", default: "https://api.telnyx.com")
        self.vonageAPIBase = try environment.httpURL("VONAGE_API_BASE", default: "https://api.nexmo.com")
        self.webhookPublicURL = try environment.httpURL("WEBHOOK_PUBLIC_URL", default: "http://127.0.0.1:8082")
        var pacing: [String: PacingRates] = [:]
        for (provider, defaults) in Self.defaultPacing {
            let prefix = provider.uppercased()
            pacing[provider] = PacingRates(
                perNumber: try environment.double("\(prefix)_RATE_PER_NUMBER", default: defaults.perNumber),
                perAccount: try environment.double("\(prefix)_RATE_PER_ACCOUNT", default: defaults.perAccount))
        }
        self.pacing = pacing
        self.pacingBurst = try environment.double("SENDER_PACING_BURST", default: 1)
        guard pacingBurst >= 1 else {
            throw ConfigurationError.invalid(variable: "SENDER_PACING_BURST", reason: "expected a number of at least 1")
        }
        self.maxAttempts = try environment.int("SEND_MAX_ATTEMPTS", default: 10, in: 1...1000)
        self.backoffBase = .milliseconds(try environment.int("SEND_BACKOFF_BASE_MS", default: 1000, in: 1...86_400_000))
        self.backoffMax = .milliseconds(try environment.int("SEND_BACKOFF_MAX_MS", default: 300_000, in: 1...86_400_000))
        guard backoffMax >= backoffBase else {
            throw ConfigurationError.invalid(variable: "SEND_BACKOFF_MAX_MS", reason: "must not be below SEND_BACKOFF_BASE_MS")
        }
        self.concurrency = try environment.int("SENDER_CONCURRENCY", default: 64, in: 1...4096)
        self.claimIdle = .seconds(try environment.int("SENDER_CLAIM_IDLE_SECONDS", default: 30, in: 1...86_400))
        self.providerTimeout = .seconds(try environment.int("PROVIDER_TIMEOUT_SECONDS", default: 10, in: 1...600))
        self.statusTTL = .seconds(try environment.int("MESSAGE_STATUS_TTL_SECONDS", default: 604_800, in: 60...Int(Int32.max)))
        self.validity = .seconds(try environment.int("MESSAGE_VALIDITY_SECONDS", default: 36_000, in: 1...Int(Int32.max)))
        self.eventsMaxLength = try environment.int("EVENTS_MAXLEN", default: 1_000_000, in: 1000...Int(Int32.max))
        self.consumerName = environment.optional("SENDER_CONSUMER_NAME") ?? Self.defaultConsumerName()
        guard !consumerName.contains(where: \.isWhitespace) else {
            throw ConfigurationError.invalid(variable: "SENDER_CONSUMER_NAME", reason: "must not contain spaces")
        }
    }

    /// `<hostname>-<pid>`: unique per process, so a restarted sender never inherits a dead one's entries
    /// by name; they are taken over by idle time instead.
    static func defaultConsumerName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The rates of `provider`, or no limits for an unknown one.
    package func rates(for provider: String) -> PacingRates {
        pacing[provider] ?? PacingRates(perNumber: 0, perAccount: 0)
    }
}
