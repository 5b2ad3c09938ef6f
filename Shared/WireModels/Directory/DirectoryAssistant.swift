/// The directory entry of one assistant: where to forward its texts and the secret that signs
/// them (sealed with AES-GCM under `SECRETS_KEY`). Stored as JSON at
/// `RedisKey.directoryAssistant(_:)`; see docs/redis.md.
public struct DirectoryAssistant: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var assistantID: Int
    public var organizationID: Int
    public var name: String
    public var smsWebhookURL: String?
    /// The webhook secret, sealed.
    public var sealedWebhookSecret: String
    public var isActive: Bool
    /// `sms_settings.auto_reply`.
    public var autoReply: Bool

    public init(
        assistantID: Int, organizationID: Int, name: String, smsWebhookURL: String?, sealedWebhookSecret: String,
        isActive: Bool, autoReply: Bool
    ) {
        self.schemaVersion = SchemaVersion.current
        self.assistantID = assistantID
        self.organizationID = organizationID
        self.name = name
        self.smsWebhookURL = smsWebhookURL
        self.sealedWebhookSecret = sealedWebhookSecret
        self.isActive = isActive
        self.autoReply = autoReply
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case assistantID = "assistant_id"
        case organizationID = "organization_id"
        case name
        case smsWebhookURL = "sms_webhook_url"
        case sealedWebhookSecret = "sealed_webhook_secret"
        case isActive = "is_active"
        case autoReply = "auto_reply"
    }
}
