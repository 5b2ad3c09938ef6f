/// The active SMS session of a customer with an assistant: the JSON string at
/// `RedisKey.session(customerPhone:assistantID:)`, written by session-manager with a TTL that every
/// message refreshes (86,400 s by default). See docs/redis.md for its JSON Schema.
public struct SMSSessionDocument: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    /// `sms:{customer_phone}:{assistant_phone}`.
    public var sessionID: String
    /// The conversation (SMS-channel call record) the session belongs to.
    public var conversationID: Int
    public var organizationID: Int
    public var assistantID: Int
    public var customerPhoneNumber: String
    public var assistantPhoneNumber: String
    /// When the conversation started (ISO 8601, UTC).
    public var startedAt: String
    /// The last message of the conversation (ISO 8601, UTC).
    public var lastActivity: String
    /// Messages stored in the conversation so far.
    public var messageCount: Int

    public init(
        sessionID: String, conversationID: Int, organizationID: Int, assistantID: Int, customerPhoneNumber: String,
        assistantPhoneNumber: String, startedAt: String, lastActivity: String, messageCount: Int
    ) {
        self.schemaVersion = SchemaVersion.current
        self.sessionID = sessionID
        self.conversationID = conversationID
        self.organizationID = organizationID
        self.assistantID = assistantID
        self.customerPhoneNumber = customerPhoneNumber
        self.assistantPhoneNumber = assistantPhoneNumber
        self.startedAt = startedAt
        self.lastActivity = lastActivity
        self.messageCount = messageCount
    }

    /// `sms:{customer}:{assistant_number}`, the session id of a pair of numbers.
    public static func sessionID(customerPhone: String, assistantPhone: String) -> String {
        "sms:\(customerPhone):\(assistantPhone)"
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case sessionID = "session_id"
        case conversationID = "conversation_id"
        case organizationID = "organization_id"
        case assistantID = "assistant_id"
        case customerPhoneNumber = "customer_phone_number"
        case assistantPhoneNumber = "assistant_phone_number"
        case startedAt = "started_at"
        case lastActivity = "last_activity"
        case messageCount = "message_count"
    }
}
