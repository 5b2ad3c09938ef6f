/// `POST /sms/send` body (seed 002). Every field is optional here so that a missing one is a 400
/// with the seed's wording rather than a decoding error.
public struct SendSMSRequest: Codable, Sendable, Equatable {
    public var fromPhoneNumber: String?
    public var toPhoneNumber: String?
    public var message: String?
    public var mediaURLs: [String]?
    public var queue: Bool?
    public var idempotencyKey: String?

    public init(
        fromPhoneNumber: String?, toPhoneNumber: String?, message: String?, mediaURLs: [String]? = nil, queue: Bool? = nil,
        idempotencyKey: String? = nil
    ) {
        self.fromPhoneNumber = fromPhoneNumber
        self.toPhoneNumber = toPhoneNumber
        self.message = message
        self.mediaURLs = mediaURLs
        self.queue = queue
        self.idempotencyKey = idempotencyKey
    }

    enum CodingKeys: String, CodingKey {
        case fromPhoneNumber = "from_phone_number"
        case toPhoneNumber = "to_phone_number"
        case message
        case mediaURLs = "media_urls"
        case queue
        case idempotencyKey = "idempotency_key"
    }
}

/// `POST /sms/send` answer (seed 002).
public struct SendSMSResponse: Codable, Sendable, Equatable {
    public var success: Bool
    public var messageID: String
    public var message: String
    public var provider: String
    /// `queued` or `sent` (a failed immediate send is an error response instead).
    public var status: String

    public init(success: Bool, messageID: String, message: String, provider: String, status: String) {
        self.success = success
        self.messageID = messageID
        self.message = message
        self.provider = provider
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case success
        case messageID = "message_id"
        case message, provider, status
    }
}

/// `GET /sms/{message_id}/status` answer.
public struct MessageStatusResponse: Codable, Sendable, Equatable {
    public var messageID: String
    public var status: MessageStatus
    public var providerMessageID: String?
    public var error: String?
    public var updatedAt: String
    /// The carrier's latest word, once a delivery receipt arrived.
    public var deliveryStatus: DeliveryStatus?

    public init(
        messageID: String, status: MessageStatus, providerMessageID: String?, error: String?, updatedAt: String,
        deliveryStatus: DeliveryStatus?
    ) {
        self.messageID = messageID
        self.status = status
        self.providerMessageID = providerMessageID
        self.error = error
        self.updatedAt = updatedAt
        self.deliveryStatus = deliveryStatus
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case status
        case providerMessageID = "provider_message_id"
        case error
        case updatedAt = "updated_at"
        case deliveryStatus = "delivery_status"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(status, forKey: .status)
        try container.encode(providerMessageID, forKey: .providerMessageID)
        try container.encode(error, forKey: .error)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(deliveryStatus, forKey: .deliveryStatus)
    }
}

/// `DELETE /sms/{message_id}` answer.
public struct CancelMessageResponse: Codable, Sendable, Equatable {
    public var success: Bool
    public var messageID: String
    public var message: String
    public var previousStatus: MessageStatus
    public var newStatus: MessageStatus

    public init(success: Bool, messageID: String, message: String, previousStatus: MessageStatus, newStatus: MessageStatus) {
        self.success = success
        self.messageID = messageID
        self.message = message
        self.previousStatus = previousStatus
        self.newStatus = newStatus
    }

    enum CodingKeys: String, CodingKey {
        case success
        case messageID = "message_id"
        case message
        case previousStatus = "previous_status"
        case newStatus = "new_status"
    }
}

/// One provider's line of `GET /sms/queue/stats`.
public struct QueueStats: Codable, Sendable, Equatable {
    /// Waiting to be sent (in the stream and not yet taken, plus scheduled retries).
    public var pending: Int
    /// Taken by a sender and not yet acknowledged.
    public var active: Int
    /// In the dead-letter stream.
    public var failed: Int

    public init(pending: Int, active: Int, failed: Int) {
        self.pending = pending
        self.active = active
        self.failed = failed
    }
}

/// `GET /sms/queue/stats` answer.
public struct QueueStatsResponse: Codable, Sendable, Equatable {
    public var timestamp: String
    public var queues: [String: QueueStats]

    public init(timestamp: String, queues: [String: QueueStats]) {
        self.timestamp = timestamp
        self.queues = queues
    }
}
