/// An organization's provider credentials, as the gateway keeps them (always encrypted at rest
/// with `SECRETS_KEY`, in SQLite and in Redis). Every field is optional: an organization sets up
/// only the providers it uses.
public struct OrganizationCredentials: Codable, Sendable, Equatable {
    public var twilioAccountSID: String?
    public var twilioAuthToken: String?
    public var telnyxAPIKey: String?
    public var telnyxMessagingProfileID: String?
    /// Base64 Ed25519 public key for Telnyx webhook checks (not a secret).
    public var telnyxPublicKey: String?
    public var vonageAPIKey: String?
    public var vonageAPISecret: String?
    public var vonageSignatureSecret: String?

    public init(
        twilioAccountSID: String? = nil, twilioAuthToken: String? = nil, telnyxAPIKey: String? = nil,
        telnyxMessagingProfileID: String? = nil, telnyxPublicKey: String? = nil, vonageAPIKey: String? = nil,
        vonageAPISecret: String? = nil, vonageSignatureSecret: String? = nil
    ) {
        self.twilioAccountSID = twilioAccountSID
        self.twilioAuthToken = twilioAuthToken
        self.telnyxAPIKey = telnyxAPIKey
        self.telnyxMessagingProfileID = telnyxMessagingProfileID
        self.telnyxPublicKey = telnyxPublicKey
        self.vonageAPIKey = vonageAPIKey
        self.vonageAPISecret = vonageAPISecret
        self.vonageSignatureSecret = vonageSignatureSecret
    }

    enum CodingKeys: String, CodingKey {
        case twilioAccountSID = "twilio_account_sid"
        case twilioAuthToken = "twilio_auth_token"
        case telnyxAPIKey = "telnyx_api_key"
        case telnyxMessagingProfileID = "telnyx_messaging_profile_id"
        case telnyxPublicKey = "telnyx_public_key"
        case vonageAPIKey = "vonage_api_key"
        case vonageAPISecret = "vonage_api_secret"
        case vonageSignatureSecret = "vonage_signature_secret"
    }
}
