import Foundation

/// Credentials the sandbox accepts for one provider account, and where that account's
/// account-level webhooks go when a send names none.
public struct SandboxAccount: Sendable, Equatable, Codable {
    public var provider: SandboxProvider
    /// Twilio: the Account SID (`AC…`), also the Basic-auth user name and the path segment.
    public var accountSID: String?
    /// Twilio: the Auth Token (Basic-auth password and webhook signing key).
    public var authToken: String?
    /// Telnyx: the Bearer API key. Vonage: the Basic-auth user name and the JWT `api_key` claim.
    public var apiKey: String?
    /// Telnyx: the messaging profile; a send naming another profile is rejected.
    public var messagingProfileID: String?
    /// Vonage: the Basic-auth password.
    public var apiSecret: String?
    /// Vonage: signs the webhook JWTs (HS256).
    public var signatureSecret: String?
    /// Vonage: the `application_id` claim of webhook JWTs (optional).
    public var applicationID: String?
    /// Telnyx: the messaging profile's webhook URL; Vonage: the application's status URL.
    /// Used when a send gives no per-message URL.
    public var webhookURL: String?

    enum CodingKeys: String, CodingKey {
        case provider
        case accountSID = "account_sid"
        case authToken = "auth_token"
        case apiKey = "api_key"
        case messagingProfileID = "messaging_profile_id"
        case apiSecret = "api_secret"
        case signatureSecret = "signature_secret"
        case applicationID = "application_id"
        case webhookURL = "webhook_url"
    }

    public init(
        provider: SandboxProvider, accountSID: String? = nil, authToken: String? = nil, apiKey: String? = nil,
        messagingProfileID: String? = nil, apiSecret: String? = nil, signatureSecret: String? = nil,
        applicationID: String? = nil, webhookURL: String? = nil
    ) {
        self.provider = provider
        self.accountSID = accountSID
        self.authToken = authToken
        self.apiKey = apiKey
        self.messagingProfileID = messagingProfileID
        self.apiSecret = apiSecret
        self.signatureSecret = signatureSecret
        self.applicationID = applicationID
        self.webhookURL = webhookURL
    }

    /// A Twilio account.
    public static func twilio(accountSID: String, authToken: String) -> Self {
        Self(provider: .twilio, accountSID: accountSID, authToken: authToken)
    }

    /// A Telnyx account.
    public static func telnyx(apiKey: String, messagingProfileID: String? = nil, webhookURL: String? = nil) -> Self {
        Self(provider: .telnyx, apiKey: apiKey, messagingProfileID: messagingProfileID, webhookURL: webhookURL)
    }

    /// A Vonage account (Messages API with Basic auth).
    public static func vonage(
        apiKey: String, apiSecret: String, signatureSecret: String, applicationID: String? = nil,
        statusURL: String? = nil
    ) -> Self {
        Self(
            provider: .vonage, apiKey: apiKey, apiSecret: apiSecret, signatureSecret: signatureSecret,
            applicationID: applicationID, webhookURL: statusURL)
    }

    /// The identifier the account is looked up by: the Account SID (Twilio) or the API key.
    var lookupKey: String {
        (provider == .twilio ? accountSID : apiKey) ?? ""
    }

    /// Throws unless the fields the provider needs are present.
    func validated() throws -> Self {
        func require(_ value: String?, _ name: String) throws {
            guard let value, !value.isEmpty else {
                throw SandboxError.invalidAccount(reason: "\(provider.rawValue) account needs \(name)")
            }
        }
        switch provider {
        case .twilio:
            try require(accountSID, "account_sid")
            try require(authToken, "auth_token")
        case .telnyx:
            try require(apiKey, "api_key")
        case .vonage:
            try require(apiKey, "api_key")
            try require(apiSecret, "api_secret")
            try require(signatureSecret, "signature_secret")
        }
        if let webhookURL, !PhoneNumberFormat.isHTTPURL(webhookURL) {
            throw SandboxError.invalidAccount(reason: "webhook_url must be an http(s) URL")
        }
        return self
    }

    /// Parses one account or an array of them from JSON.
    static func decodeList(_ data: Data) throws -> [SandboxAccount] {
        let decoder = JSONDecoder()
        do {
            if let list = try? decoder.decode([SandboxAccount].self, from: data) {
                return try list.map { try $0.validated() }
            }
            return [try decoder.decode(SandboxAccount.self, from: data).validated()]
        } catch let error as SandboxError {
            throw error
        } catch {
            throw SandboxError.invalidAccount(
                reason: "expected {provider, account_sid/auth_token | api_key/... } JSON (\(Self.describe(error)))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "malformed JSON"
        }
    }
}
