/// `GET /api/v1/sms-sessions/`: `{"success": true, "data": {"active_sessions", "ttl_seconds"}}`.
public struct SMSSessionsSummaryResponse: Codable, Sendable, Equatable {
    public struct Summary: Codable, Sendable, Equatable {
        public var activeSessions: Int
        public var ttlSeconds: Int

        public init(activeSessions: Int, ttlSeconds: Int) {
            self.activeSessions = activeSessions
            self.ttlSeconds = ttlSeconds
        }

        enum CodingKeys: String, CodingKey {
            case activeSessions = "active_sessions"
            case ttlSeconds = "ttl_seconds"
        }
    }

    public var success: Bool
    public var data: Summary

    public init(activeSessions: Int, ttlSeconds: Int) {
        self.success = true
        self.data = Summary(activeSessions: activeSessions, ttlSeconds: ttlSeconds)
    }
}

/// `DELETE /api/v1/sms-sessions/` (`cleared_count`) and `POST /api/v1/sms-sessions/cleanup`
/// (`cleaned_count`): `{"success", "message", ...count}`.
public struct SMSSessionsClearedResponse: Codable, Sendable, Equatable {
    public var success: Bool
    public var message: String
    public var clearedCount: Int?
    public var cleanedCount: Int?

    public init(message: String, clearedCount: Int? = nil, cleanedCount: Int? = nil) {
        self.success = true
        self.message = message
        self.clearedCount = clearedCount
        self.cleanedCount = cleanedCount
    }

    enum CodingKeys: String, CodingKey {
        case success, message
        case clearedCount = "cleared_count"
        case cleanedCount = "cleaned_count"
    }
}

/// `{"success": true, "message": ...}`: archiving a conversation, clearing one session.
public struct SuccessMessageResponse: Codable, Sendable, Equatable {
    public var success: Bool
    public var message: String

    public init(message: String) {
        self.success = true
        self.message = message
    }
}
