/// The directory entry of one phone number: who owns it and where its traffic goes.
/// Stored as JSON at `RedisKey.directoryNumber(_:)`; see docs/redis.md.
public struct DirectoryPhoneNumber: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    /// E.164, with `+`.
    public var phoneNumber: String
    public var phoneNumberID: Int
    public var organizationID: Int
    /// `twilio`, `telnyx` or `vonage`.
    public var provider: String
    /// The assistant the number is assigned to, if any.
    public var assistantID: Int?
    /// The assistant's `sms_webhook_url`, if it has one.
    public var smsWebhookURL: String?
    /// Whether the assigned assistant is active.
    public var assistantActive: Bool?

    public init(
        phoneNumber: String, phoneNumberID: Int, organizationID: Int, provider: String, assistantID: Int?,
        smsWebhookURL: String?, assistantActive: Bool?
    ) {
        self.schemaVersion = SchemaVersion.current
        self.phoneNumber = phoneNumber
        self.phoneNumberID = phoneNumberID
        self.organizationID = organizationID
        self.provider = provider
        self.assistantID = assistantID
        self.smsWebhookURL = smsWebhookURL
        self.assistantActive = assistantActive
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case phoneNumber = "phone_number"
        case phoneNumberID = "phone_number_id"
        case organizationID = "organization_id"
        case provider
        case assistantID = "assistant_id"
        case smsWebhookURL = "sms_webhook_url"
        case assistantActive = "assistant_active"
    }
}
