import ServiceRuntime

/// The sender's configuration: the shared variables plus provider base URLs and the public webhook address.
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

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .sender, environment: environment)
        self.twilioAPIBase = try environment.httpURL("TWILIO_API_BASE", default: "https://api.twilio.com")
        self.telnyxAPIBase = try environment.httpURL("TELNYX_API_BASE", default: "https://api.telnyx.com")
        self.vonageAPIBase = try environment.httpURL("VONAGE_API_BASE", default: "https://api.nexmo.com")
        self.webhookPublicURL = try environment.httpURL("WEBHOOK_PUBLIC_URL", default: "http://127.0.0.1:8082")
    }
}
