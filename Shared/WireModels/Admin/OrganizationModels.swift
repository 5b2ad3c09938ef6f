/// `GET|PUT /api/v1/organization` answer. Secrets show only whether they are set.
public struct OrganizationResponse: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var twilioAccountSID: String?
    public var twilioAuthTokenSet: Bool
    public var telnyxAPIKeySet: Bool
    public var telnyxMessagingProfileID: String?
    public var telnyxPublicKey: String?
    public var vonageAPIKey: String?
    public var vonageAPISecretSet: Bool
    public var vonageSignatureSecretSet: Bool
    public var createdAt: String
    public var updatedAt: String

    public init(id: Int, name: String, credentials: OrganizationCredentials, createdAt: String, updatedAt: String) {
        self.id = id
        self.name = name
        self.twilioAccountSID = credentials.twilioAccountSID
        self.twilioAuthTokenSet = credentials.twilioAuthToken != nil
        self.telnyxAPIKeySet = credentials.telnyxAPIKey != nil
        self.telnyxMessagingProfileID = credentials.telnyxMessagingProfileID
        self.telnyxPublicKey = credentials.telnyxPublicKey
        self.vonageAPIKey = credentials.vonageAPIKey
        self.vonageAPISecretSet = credentials.vonageAPISecret != nil
        self.vonageSignatureSecretSet = credentials.vonageSignatureSecret != nil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case twilioAccountSID = "twilio_account_sid"
        case twilioAuthTokenSet = "twilio_auth_token_set"
        case telnyxAPIKeySet = "telnyx_api_key_set"
        case telnyxMessagingProfileID = "telnyx_messaging_profile_id"
        case telnyxPublicKey = "telnyx_public_key"
        case vonageAPIKey = "vonage_api_key"
        case vonageAPISecretSet = "vonage_api_secret_set"
        case vonageSignatureSecretSet = "vonage_signature_secret_set"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// `PUT /api/v1/organization` body: any subset of the fields; `null` clears a credential.
public struct UpdateOrganizationRequest: Decodable, Sendable {
    public var name: FieldUpdate<String>
    public var twilioAccountSID: FieldUpdate<String>
    public var twilioAuthToken: FieldUpdate<String>
    public var telnyxAPIKey: FieldUpdate<String>
    public var telnyxMessagingProfileID: FieldUpdate<String>
    public var telnyxPublicKey: FieldUpdate<String>
    public var vonageAPIKey: FieldUpdate<String>
    public var vonageAPISecret: FieldUpdate<String>
    public var vonageSignatureSecret: FieldUpdate<String>

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: OrganizationCredentials.CodingKeys.self)
        let names = try decoder.container(keyedBy: NameKey.self)
        name = try names.decodeUpdate(String.self, forKey: .name)
        twilioAccountSID = try container.decodeUpdate(String.self, forKey: .twilioAccountSID)
        twilioAuthToken = try container.decodeUpdate(String.self, forKey: .twilioAuthToken)
        telnyxAPIKey = try container.decodeUpdate(String.self, forKey: .telnyxAPIKey)
        telnyxMessagingProfileID = try container.decodeUpdate(String.self, forKey: .telnyxMessagingProfileID)
        telnyxPublicKey = try container.decodeUpdate(String.self, forKey: .telnyxPublicKey)
        vonageAPIKey = try container.decodeUpdate(String.self, forKey: .vonageAPIKey)
        vonageAPISecret = try container.decodeUpdate(String.self, forKey: .vonageAPISecret)
        vonageSignatureSecret = try container.decodeUpdate(String.self, forKey: .vonageSignatureSecret)
    }

    /// The credentials after this update.
    public func applied(to current: OrganizationCredentials) -> OrganizationCredentials {
        var next = current
        next.twilioAccountSID = twilioAccountSID.applied(to: current.twilioAccountSID)
        next.twilioAuthToken = twilioAuthToken.applied(to: current.twilioAuthToken)
        next.telnyxAPIKey = telnyxAPIKey.applied(to: current.telnyxAPIKey)
        next.telnyxMessagingProfileID = telnyxMessagingProfileID.applied(to: current.telnyxMessagingProfileID)
        next.telnyxPublicKey = telnyxPublicKey.applied(to: current.telnyxPublicKey)
        next.vonageAPIKey = vonageAPIKey.applied(to: current.vonageAPIKey)
        next.vonageAPISecret = vonageAPISecret.applied(to: current.vonageAPISecret)
        next.vonageSignatureSecret = vonageSignatureSecret.applied(to: current.vonageSignatureSecret)
        return next
    }

    /// Every string field with its wire name, for length checks.
    public var setStrings: [(field: String, value: String)] {
        let fields: [(String, FieldUpdate<String>)] = [
            ("name", name), ("twilio_account_sid", twilioAccountSID), ("twilio_auth_token", twilioAuthToken),
            ("telnyx_api_key", telnyxAPIKey), ("telnyx_messaging_profile_id", telnyxMessagingProfileID),
            ("telnyx_public_key", telnyxPublicKey), ("vonage_api_key", vonageAPIKey),
            ("vonage_api_secret", vonageAPISecret), ("vonage_signature_secret", vonageSignatureSecret),
        ]
        return fields.compactMap { name, update in update.value.map { (name, $0) } }
    }

    private enum NameKey: String, CodingKey { case name }
}
