/// One SMS conversation (an SMS-channel call record), as `GET /api/v1/sms-conversations/` lists it.
public struct SMSConversation: Codable, Sendable, Equatable {
    public var id: Int
    /// `sms:{customer}:{assistant_number}`.
    public var sessionID: String
    public var assistantID: Int
    public var assistantName: String
    public var customerPhoneNumber: String
    public var assistantPhoneNumber: String
    /// `active` or `completed`.
    public var status: String
    public var messageCount: Int
    public var startedAt: String
    public var lastActivity: String
    /// Set once the session expired or was cleared; `null` while active.
    public var endedAt: String?
    /// Always `sms`.
    public var channel: String

    public init(
        id: Int, sessionID: String, assistantID: Int, assistantName: String, customerPhoneNumber: String,
        assistantPhoneNumber: String, status: String, messageCount: Int, startedAt: String, lastActivity: String,
        endedAt: String?, channel: String = "sms"
    ) {
        self.id = id
        self.sessionID = sessionID
        self.assistantID = assistantID
        self.assistantName = assistantName
        self.customerPhoneNumber = customerPhoneNumber
        self.assistantPhoneNumber = assistantPhoneNumber
        self.status = status
        self.messageCount = messageCount
        self.startedAt = startedAt
        self.lastActivity = lastActivity
        self.endedAt = endedAt
        self.channel = channel
    }

    enum CodingKeys: String, CodingKey {
        case id
        case sessionID = "session_id"
        case assistantID = "assistant_id"
        case assistantName = "assistant_name"
        case customerPhoneNumber = "customer_phone_number"
        case assistantPhoneNumber = "assistant_phone_number"
        case status
        case messageCount = "message_count"
        case startedAt = "started_at"
        case lastActivity = "last_activity"
        case endedAt = "ended_at"
        case channel
    }

    // `ended_at` is always present, `null` while active (as the API page shows).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(assistantID, forKey: .assistantID)
        try container.encode(assistantName, forKey: .assistantName)
        try container.encode(customerPhoneNumber, forKey: .customerPhoneNumber)
        try container.encode(assistantPhoneNumber, forKey: .assistantPhoneNumber)
        try container.encode(status, forKey: .status)
        try container.encode(messageCount, forKey: .messageCount)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(lastActivity, forKey: .lastActivity)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(channel, forKey: .channel)
    }
}
