import Crypto
import Providers
import WireModels

/// An organization's credentials for one provider, and the account they name for pacing.
struct ProviderAccount: Sendable {
    /// What the provider client authenticates with.
    var credentials: ProviderCredentials
    /// The account-bucket name: the Twilio Account SID, or for Telnyx and Vonage the first 16 hex
    /// digits of the SHA-256 of the API key, so no secret ever appears in a key name.
    var accountID: String

    /// The organization's credentials for `provider`, or nil when they are not configured.
    init?(provider: String, credentials: OrganizationCredentials) {
        switch provider {
        case ProviderName.twilio.rawValue:
            guard let sid = credentials.twilioAccountSID, !sid.isEmpty, let token = credentials.twilioAuthToken, !token.isEmpty
            else { return nil }
            self.credentials = .twilio(accountSID: sid, authToken: token)
            self.accountID = sid
        case ProviderName.telnyx.rawValue:
            guard let key = credentials.telnyxAPIKey, !key.isEmpty else { return nil }
            let profile = credentials.telnyxMessagingProfileID.flatMap { $0.isEmpty ? nil : $0 }
            self.credentials = .telnyx(apiKey: key, messagingProfileID: profile)
            self.accountID = Self.fingerprint(key)
        case ProviderName.vonage.rawValue:
            guard let key = credentials.vonageAPIKey, !key.isEmpty, let secret = credentials.vonageAPISecret, !secret.isEmpty
            else { return nil }
            self.credentials = .vonage(apiKey: key, apiSecret: secret)
            self.accountID = Self.fingerprint(key)
        default:
            return nil
        }
    }

    /// The first 16 lowercase hex digits of SHA-256 of `secret`.
    static func fingerprint(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The status-callback path of `provider` on webhook-ingest (contract.md, "Provider webhooks").
    static func statusCallbackPath(_ provider: String) -> String {
        switch provider {
        case ProviderName.twilio.rawValue: "/webhooks/status/twilio"
        case ProviderName.telnyx.rawValue: "/webhooks/sms/telnyx"
        default: "/webhooks/status/vonage"
        }
    }
}
