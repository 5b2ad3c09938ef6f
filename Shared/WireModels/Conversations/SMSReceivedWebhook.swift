/// What session-manager POSTs to an assistant's `sms_webhook_url` for each inbound text (contract:
/// "What we send to an assistant's sms_webhook_url"), signed with `X-Switchboard-Signature`.
public struct SMSReceivedWebhook: Codable, Sendable, Equatable {
    /// The inbound message.
    public struct Payload: Codable, Sendable, Equatable {
        public var messageID: String
        /// The customer.
        public var from: String
        /// The assistant's number.
        public var to: String
        public var body: String
        public var mediaURLs: [String]
        public var provider: String?
        public var conversationID: Int
        public var assistantID: Int

        public init(
            messageID: String, from: String, to: String, body: String, mediaURLs: [String], provider: String?,
            conversationID: Int, assistantID: Int
        ) {
            self.messageID = messageID
            self.from = from
            self.to = to
            self.body = body
            self.mediaURLs = mediaURLs
            self.provider = provider
            self.conversationID = conversationID
            self.assistantID = assistantID
        }

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case from, to, body
            case mediaURLs = "media_urls"
            case provider
            case conversationID = "conversation_id"
            case assistantID = "assistant_id"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messageID, forKey: .messageID)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(body, forKey: .body)
            try container.encode(mediaURLs, forKey: .mediaURLs)
            try container.encode(provider, forKey: .provider)
            try container.encode(conversationID, forKey: .conversationID)
            try container.encode(assistantID, forKey: .assistantID)
        }
    }

    /// Always `sms_received`.
    public var type: String
    /// When the message was received (ISO 8601, UTC).
    public var timestamp: String
    public var data: Payload

    public init(timestamp: String, data: Payload) {
        self.type = "sms_received"
        self.timestamp = timestamp
        self.data = data
    }

    /// The name of the signature header.
    public static let signatureHeader = "X-Switchboard-Signature"
}
