import ServiceRuntime

/// webhook-ingest's configuration: the shared variables plus the address providers call.
package struct WebhookIngestConfiguration: Sendable {
    package var service: ServiceConfiguration
    /// `WEBHOOK_PUBLIC_URL`: Twilio signatures are checked against it.
    package var webhookPublicURL: String

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .webhookIngest, environment: environment)
        self.webhookPublicURL = try environment.httpURL("WEBHOOK_PUBLIC_URL", default: "http://127.0.0.1:8082")
    }
}
