/// The SMS providers Switchboard sends through, spelled as the API and the queue names spell them.
package enum ProviderName: String, Sendable, Hashable, CaseIterable, Codable {
    /// Twilio Programmable Messaging.
    case twilio
    /// Telnyx Messaging API v2.
    case telnyx
    /// Vonage: the Messages API for sending and its webhooks, the SMS API's webhooks too.
    case vonage

    /// The production API base URL (contract.md: `TWILIO_API_BASE`, `TELNYX_API_BASE`, `VONAGE_API_BASE`).
    package var defaultBaseURL: String {
        switch self {
        case .twilio: "https://api.twilio.com"
        case .telnyx: "https://api.telnyx.com"
        case .vonage: "https://api.nexmo.com"
        }
    }
}
