/// A call or SMS record of the same customer and assistant
/// (`GET /api/v1/sms-conversations/{id}/related`).
public struct RelatedConversation: Codable, Sendable, Equatable {
    public var id: Int
    public var callSID: String
    /// `sms` or `voice`.
    public var channel: String
    /// `inbound` or `outbound`.
    public var direction: String
    /// SMS: `active` or `completed`; voice: `ongoing`, `completed` or `failed`.
    public var status: String
    public var duration: Int?
    public var messageCount: Int
    public var startedAt: String
    public var endedAt: String?
    /// Whether this is the conversation the request named.
    public var isCurrent: Bool

    public init(
        id: Int, callSID: String, channel: String, direction: String, status: String, duration: Int?, messageCount: Int,
        startedAt: String, endedAt: String?, isCurrent: Bool
    ) {
        self.id = id
        self.callSID = callSID
        self.channel = channel
        self.direction = direction
        self.status = status
        self.duration = duration
        self.messageCount = messageCount
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.isCurrent = isCurrent
    }

    enum CodingKeys: String, CodingKey {
        case id
        case callSID = "call_sid"
        case channel, direction, status, duration
        case messageCount = "message_count"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case isCurrent = "is_current"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(callSID, forKey: .callSID)
        try container.encode(channel, forKey: .channel)
        try container.encode(direction, forKey: .direction)
        try container.encode(status, forKey: .status)
        try container.encode(duration, forKey: .duration)
        try container.encode(messageCount, forKey: .messageCount)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(isCurrent, forKey: .isCurrent)
    }
}
