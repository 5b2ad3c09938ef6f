/// The credentials an organization holds for one provider, as the sender decrypts them for a send.
///
/// Descriptions and mirrors never show a secret, so a credential that reaches a log line or a
/// test failure message stays hidden.
package enum ProviderCredentials: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// Twilio: HTTP Basic with the Account SID and its Auth Token.
    case twilio(accountSID: String, authToken: String)
    /// Telnyx: a Bearer API key, and the messaging profile to send from when the organization set one.
    case telnyx(apiKey: String, messagingProfileID: String?)
    /// Vonage Messages API: HTTP Basic with the API key and secret.
    case vonage(apiKey: String, apiSecret: String)

    /// The provider these credentials belong to.
    package var provider: ProviderName {
        switch self {
        case .twilio: .twilio
        case .telnyx: .telnyx
        case .vonage: .vonage
        }
    }

    package var description: String {
        switch self {
        case .twilio(let accountSID, _): "twilio(accountSID: \(accountSID), authToken: <redacted>)"
        case .telnyx(_, let profile): "telnyx(apiKey: <redacted>, messagingProfileID: \(profile ?? "nil"))"
        case .vonage(let apiKey, _): "vonage(apiKey: \(apiKey), apiSecret: <redacted>)"
        }
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["description": description], displayStyle: .enum)
    }
}
