/// The kinds of message lifecycle events on `sms:events`.
public enum MessageEventType: String, Codable, Sendable, CaseIterable {
    case queued = "message.queued"
    case sending = "message.sending"
    case sent = "message.sent"
    case delivered = "message.delivered"
    case undelivered = "message.undelivered"
    case failed = "message.failed"
    case cancelled = "message.cancelled"
    case received = "message.received"
    /// A request's retry after a retryable provider error (audit).
    case retrying = "message.retrying"
    /// webhook-ingest accepted a provider request (audit).
    case webhookReceived = "webhook_received"
    /// session-manager started a conversation (an SMS-channel call record); carries `conversation_id`.
    case conversationStarted = "conversation.started"
    /// session-manager stored a message in a conversation; links `message_id` to `conversation_id`.
    case conversationMessageAdded = "conversation.message_added"
    /// A conversation's 24-hour session expired; the conversation is completed.
    case conversationCompleted = "conversation.completed"
    /// A conversation was archived: consumers delete what they hold for it.
    case conversationArchived = "conversation.archived"
    /// session-manager tried to forward an inbound message to the assistant's webhook (audit).
    case forwardingAttempted = "forwarding.attempted"
}

/// One message lifecycle event: the JSON document in the `payload` field of an entry of
/// `sms:events`. It carries everything a consumer needs without another lookup.
public struct MessageEvent: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    /// Unique per event; consumers deduplicate on it.
    public var eventID: String
    public var type: MessageEventType
    public var occurredAt: String
    /// Switchboard's message id (outbound: the queue UUID; inbound: assigned by webhook-ingest);
    /// nil on conversation-level events.
    public var messageID: String?
    /// The conversation (SMS-channel call record id in session-manager), once known.
    public var conversationID: Int?
    /// `info`, `warning` or `error`, for audit events in timelines.
    public var level: String?
    /// A human-readable line for timelines ("Inbound SMS webhook received").
    public var summary: String?
    /// Extra audit details (forwarding attempt number, HTTP status, webhook route, …).
    public var eventData: [String: String]?
    public var organizationID: Int?
    public var assistantID: Int?
    /// `outbound` or `inbound`.
    public var direction: String
    public var provider: String?
    public var from: String?
    public var to: String?
    public var body: String?
    public var mediaURLs: [String]?
    public var segments: Int?
    public var encoding: String?
    public var providerMessageID: String?
    /// The pipeline status after this event (outbound) or the delivery status (receipts).
    public var status: String?
    /// The provider's own status word, for receipts.
    public var providerStatus: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var idempotencyKey: String?
    /// 1 for the first provider call, 2 for the first retry, …
    public var attempt: Int?
    /// The provider's raw payload (receipts and inbound), as a JSON string, for the logs.
    public var rawPayload: String?

    public init(
        eventID: String, type: MessageEventType, occurredAt: String, messageID: String?, organizationID: Int?,
        assistantID: Int?, direction: String, provider: String?, from: String?, to: String?, body: String?,
        mediaURLs: [String]?, segments: Int? = nil, encoding: String? = nil, providerMessageID: String? = nil,
        status: String? = nil, providerStatus: String? = nil, errorCode: String? = nil, errorMessage: String? = nil,
        idempotencyKey: String? = nil, attempt: Int? = nil, rawPayload: String? = nil, conversationID: Int? = nil,
        level: String? = nil, summary: String? = nil, eventData: [String: String]? = nil
    ) {
        self.schemaVersion = SchemaVersion.current
        self.eventID = eventID
        self.type = type
        self.occurredAt = occurredAt
        self.messageID = messageID
        self.organizationID = organizationID
        self.assistantID = assistantID
        self.direction = direction
        self.provider = provider
        self.from = from
        self.to = to
        self.body = body
        self.mediaURLs = mediaURLs
        self.segments = segments
        self.encoding = encoding
        self.providerMessageID = providerMessageID
        self.status = status
        self.providerStatus = providerStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.rawPayload = rawPayload
        self.conversationID = conversationID
        self.level = level
        self.summary = summary
        self.eventData = eventData
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case type
        case occurredAt = "occurred_at"
        case messageID = "message_id"
        case organizationID = "organization_id"
        case assistantID = "assistant_id"
        case direction, provider, from, to, body
        case mediaURLs = "media_urls"
        case segments, encoding
        case providerMessageID = "provider_message_id"
        case status
        case providerStatus = "provider_status"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case idempotencyKey = "idempotency_key"
        case attempt
        case rawPayload = "raw_payload"
        case conversationID = "conversation_id"
        case level, summary
        case eventData = "event_data"
    }
}
