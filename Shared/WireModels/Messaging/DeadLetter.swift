/// One entry of a dead-letter stream `sms:dead:{provider}`: a message the sender gave up on
/// (attempts or validity ran out, an uncertain send happened twice, or the envelope was
/// unreadable), in the `payload` field, with why.
public struct DeadLetter: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    /// Our message id, when the envelope had or got one.
    public var messageID: String?
    public var provider: String
    /// Why the message was given up, in one line.
    public var reason: String
    /// The provider's error code of the last attempt, if any.
    public var errorCode: String?
    /// Provider calls made.
    public var attempts: Int?
    /// The id of the queue entry that carried the message.
    public var streamEntryID: String?
    /// The envelope as last sent through the queue (JSON text), or the unreadable payload as it was.
    public var envelope: String
    public var failedAt: String

    public init(
        messageID: String?, provider: String, reason: String, errorCode: String?, attempts: Int?, streamEntryID: String?,
        envelope: String, failedAt: String
    ) {
        self.schemaVersion = SchemaVersion.current
        self.messageID = messageID
        self.provider = provider
        self.reason = reason
        self.errorCode = errorCode
        self.attempts = attempts
        self.streamEntryID = streamEntryID
        self.envelope = envelope
        self.failedAt = failedAt
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case messageID = "message_id"
        case provider, reason
        case errorCode = "error_code"
        case attempts
        case streamEntryID = "stream_entry_id"
        case envelope
        case failedAt = "failed_at"
    }
}
