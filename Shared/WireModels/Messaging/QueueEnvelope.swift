import Foundation

/// One queued outbound message: the JSON document in the `payload` field of an entry of
/// `sms:queue:{provider}`. Another system may add entries by hand: only `from`, `to` and `body`
/// (or `media_urls`) are required; the sender fills in the rest from the tenant directory
/// (the organization and assistant that own `from`) and generates a `message_id` if none is given.
public struct QueueEnvelope: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var messageID: String?
    public var organizationID: Int?
    public var assistantID: Int?
    public var provider: String?
    public var from: String
    public var to: String
    public var body: String
    public var mediaURLs: [String]?
    public var idempotencyKey: String?
    /// When the message was accepted.
    public var queuedAt: String?
    /// After this instant the message is not sent any more (validity period).
    public var validUntil: String?

    public init(
        messageID: String?, organizationID: Int?, assistantID: Int?, provider: String?, from: String, to: String,
        body: String, mediaURLs: [String]?, idempotencyKey: String?, queuedAt: String?, validUntil: String?
    ) {
        self.schemaVersion = SchemaVersion.current
        self.messageID = messageID
        self.organizationID = organizationID
        self.assistantID = assistantID
        self.provider = provider
        self.from = from
        self.to = to
        self.body = body
        self.mediaURLs = mediaURLs
        self.idempotencyKey = idempotencyKey
        self.queuedAt = queuedAt
        self.validUntil = validUntil
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case messageID = "message_id"
        case organizationID = "organization_id"
        case assistantID = "assistant_id"
        case provider, from, to, body
        case mediaURLs = "media_urls"
        case idempotencyKey = "idempotency_key"
        case queuedAt = "queued_at"
        case validUntil = "valid_until"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? SchemaVersion.current
        messageID = try container.decodeIfPresent(String.self, forKey: .messageID)
        organizationID = try container.decodeIfPresent(Int.self, forKey: .organizationID)
        assistantID = try container.decodeIfPresent(Int.self, forKey: .assistantID)
        provider = try container.decodeIfPresent(String.self, forKey: .provider)
        from = try container.decode(String.self, forKey: .from)
        to = try container.decode(String.self, forKey: .to)
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        mediaURLs = try container.decodeIfPresent([String].self, forKey: .mediaURLs)
        idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
        queuedAt = try container.decodeIfPresent(String.self, forKey: .queuedAt)
        validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
    }
}
