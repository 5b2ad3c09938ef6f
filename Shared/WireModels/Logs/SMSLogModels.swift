/// One SMS log (`GET /api/v1/sms-logs/` item): a message, inbound or outbound, with its current
/// unified status and the provider's own status word. Optional fields are written as `null`.
public struct SMSLogItem: Codable, Sendable, Equatable {
    public var id: Int
    public var provider: String?
    public var providerMessageID: String?
    /// `inbound` or `outbound`.
    public var direction: String
    public var fromNumber: String?
    public var toNumber: String?
    public var body: String?
    public var mediaURLs: [String]
    public var segmentCount: Int?
    /// Unified: `queued`, `sending`, `sent`, `delivered`, `undelivered`, `failed`, `cancelled`, `received`.
    public var status: String
    public var providerStatus: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var assistantID: Int?
    public var assistantName: String?
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: Int, provider: String?, providerMessageID: String?, direction: String, fromNumber: String?, toNumber: String?,
        body: String?, mediaURLs: [String], segmentCount: Int?, status: String, providerStatus: String?, errorCode: String?,
        errorMessage: String?, assistantID: Int?, assistantName: String?, createdAt: String, updatedAt: String
    ) {
        self.id = id
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.direction = direction
        self.fromNumber = fromNumber
        self.toNumber = toNumber
        self.body = body
        self.mediaURLs = mediaURLs
        self.segmentCount = segmentCount
        self.status = status
        self.providerStatus = providerStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.assistantID = assistantID
        self.assistantName = assistantName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, provider, direction, body, status
        case providerMessageID = "provider_message_id"
        case fromNumber = "from_number"
        case toNumber = "to_number"
        case mediaURLs = "media_urls"
        case segmentCount = "segment_count"
        case providerStatus = "provider_status"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case assistantID = "assistant_id"
        case assistantName = "assistant_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try encodeFields(into: &container)
    }

    /// Writes every field, `null` included; shared with ``SMSLogDetail``.
    func encodeFields(into container: inout KeyedEncodingContainer<CodingKeys>) throws {
        try container.encode(id, forKey: .id)
        try container.encode(provider, forKey: .provider)
        try container.encode(providerMessageID, forKey: .providerMessageID)
        try container.encode(direction, forKey: .direction)
        try container.encode(fromNumber, forKey: .fromNumber)
        try container.encode(toNumber, forKey: .toNumber)
        try container.encode(body, forKey: .body)
        try container.encode(mediaURLs, forKey: .mediaURLs)
        try container.encode(segmentCount, forKey: .segmentCount)
        try container.encode(status, forKey: .status)
        try container.encode(providerStatus, forKey: .providerStatus)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(errorMessage, forKey: .errorMessage)
        try container.encode(assistantID, forKey: .assistantID)
        try container.encode(assistantName, forKey: .assistantName)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// `GET /api/v1/sms-logs/`: one page of logs, newest first.
public struct SMSLogPage: Codable, Sendable, Equatable {
    public var items: [SMSLogItem]
    /// Every log matching the filters, not only this page.
    public var total: Int
    public var skip: Int
    public var limit: Int
    public var hasMore: Bool

    public init(items: [SMSLogItem], total: Int, skip: Int, limit: Int, hasMore: Bool) {
        self.items = items
        self.total = total
        self.skip = skip
        self.limit = limit
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey {
        case items, total, skip, limit
        case hasMore = "has_more"
    }
}

/// `GET /api/v1/sms-logs/{log_id}`: a log's fields plus its organization and the provider's
/// raw payloads for debugging.
public struct SMSLogDetail: Codable, Sendable, Equatable {
    public var log: SMSLogItem
    public var organizationID: Int
    /// `{"raw_status", "payloads": [...]}`, or null when the provider has told us nothing yet.
    public var providerPayload: JSONValue?

    public init(log: SMSLogItem, organizationID: Int, providerPayload: JSONValue?) {
        self.log = log
        self.organizationID = organizationID
        self.providerPayload = providerPayload
    }

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case providerPayload = "provider_payload"
    }

    public init(from decoder: any Decoder) throws {
        self.log = try SMSLogItem(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.organizationID = try container.decode(Int.self, forKey: .organizationID)
        self.providerPayload = try container.decodeIfPresent(JSONValue.self, forKey: .providerPayload)
        if self.providerPayload == .null { self.providerPayload = nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var logContainer = encoder.container(keyedBy: SMSLogItem.CodingKeys.self)
        try log.encodeFields(into: &logContainer)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(organizationID, forKey: .organizationID)
        try container.encode(providerPayload ?? .null, forKey: .providerPayload)
    }
}

/// `GET /api/v1/sms-logs/stats`: counts of the logs created in a date range.
public struct SMSLogStats: Codable, Sendable, Equatable {
    public var total: Int
    public var byDirection: [String: Int]
    public var byStatus: [String: Int]
    public var byProvider: [String: Int]
    /// Logs whose status is `failed` or `undelivered`.
    public var failedCount: Int
    /// `(total - failed_count) / total` as a percentage with 2 decimals; 0 when there are no logs.
    public var successRate: Double

    public init(
        total: Int, byDirection: [String: Int], byStatus: [String: Int], byProvider: [String: Int], failedCount: Int,
        successRate: Double
    ) {
        self.total = total
        self.byDirection = byDirection
        self.byStatus = byStatus
        self.byProvider = byProvider
        self.failedCount = failedCount
        self.successRate = successRate
    }

    enum CodingKeys: String, CodingKey {
        case total
        case byDirection = "by_direction"
        case byStatus = "by_status"
        case byProvider = "by_provider"
        case failedCount = "failed_count"
        case successRate = "success_rate"
    }
}

/// One line of an SMS debug timeline (`SMSAuditLogResponse`).
public struct SMSAuditLogEntry: Codable, Sendable, Equatable {
    public var id: Int
    public var timestamp: String?
    public var eventType: String
    /// `info`, `warning` or `error`.
    public var level: String
    public var message: String
    public var eventData: [String: JSONValue]?

    public init(id: Int, timestamp: String?, eventType: String, level: String, message: String, eventData: [String: JSONValue]?) {
        self.id = id
        self.timestamp = timestamp
        self.eventType = eventType
        self.level = level
        self.message = message
        self.eventData = eventData
    }

    enum CodingKeys: String, CodingKey {
        case id, timestamp, level, message
        case eventType = "event_type"
        case eventData = "event_data"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(level, forKey: .level)
        try container.encode(message, forKey: .message)
        try container.encode(eventData, forKey: .eventData)
    }
}

/// `GET /api/v1/sms/{call_id}/logs` (`SMSAuditLogsResponse`): a conversation's audit events and
/// its messages' delivery events, oldest first.
public struct SMSAuditLogs: Codable, Sendable, Equatable {
    public var callID: Int
    public var logCount: Int
    public var logs: [SMSAuditLogEntry]

    public init(callID: Int, logCount: Int, logs: [SMSAuditLogEntry]) {
        self.callID = callID
        self.logCount = logCount
        self.logs = logs
    }

    enum CodingKeys: String, CodingKey {
        case logs
        case callID = "call_id"
        case logCount = "log_count"
    }
}
