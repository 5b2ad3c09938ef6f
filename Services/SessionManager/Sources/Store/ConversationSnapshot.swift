import Foundation
import GRDB
import WireModels

/// One SMS conversation as stored in `call_records`, with the columns session-manager needs.
package struct ConversationSnapshot: Sendable, Equatable {
    package var id: Int
    package var organizationID: Int
    package var assistantID: Int
    package var assistantName: String?
    package var sessionID: String
    package var customerPhone: String
    package var assistantPhone: String
    /// `inbound` or `outbound`: the direction of its first message.
    package var direction: String
    /// The stored status in call vocabulary: `ongoing` or `completed`.
    package var status: String
    package var messageCount: Int
    /// Unix milliseconds.
    package var startedAt: Int64
    package var lastActivity: Int64
    package var endedAt: Int64?
    package var duration: Int?
    package var deleted: Bool

    init(row: Row) {
        id = row["id"]
        organizationID = row["organization_id"]
        assistantID = row["assistant_id"]
        assistantName = row["assistant_name"]
        sessionID = row["session_id"] ?? ""
        customerPhone = row["customer_phone_number"]
        assistantPhone = row["to_phone_number"]
        direction = row["direction"]
        status = row["status"]
        messageCount = row["message_count"]
        startedAt = row["started_at"]
        lastActivity = row["last_activity"]
        endedAt = row["ended_at"]
        duration = row["duration"]
        deleted = (row["sms_deleted"] as Int? ?? 0) != 0
    }

    /// Whether the conversation still takes messages.
    package var isActive: Bool { status == CallStatus.ongoing && !deleted }

    /// The wire form: `ongoing` reads `active`, as conversations call it.
    package var wire: SMSConversation {
        SMSConversation(
            id: id, sessionID: sessionID, assistantID: assistantID, assistantName: assistantName ?? "",
            customerPhoneNumber: customerPhone, assistantPhoneNumber: assistantPhone, status: CallStatus.conversationStatus(status),
            messageCount: messageCount, startedAt: Timestamp.millis(startedAt), lastActivity: Timestamp.millis(lastActivity),
            endedAt: endedAt.map(Timestamp.millis))
    }

    /// The session document that points at this conversation.
    package var sessionDocument: SMSSessionDocument {
        SMSSessionDocument(
            sessionID: sessionID, conversationID: id, organizationID: organizationID, assistantID: assistantID,
            customerPhoneNumber: customerPhone, assistantPhoneNumber: assistantPhone, startedAt: Timestamp.millis(startedAt),
            lastActivity: Timestamp.millis(lastActivity), messageCount: messageCount)
    }
}

/// Call statuses as stored, and their conversation names.
package enum CallStatus {
    package static let ongoing = "ongoing"
    package static let completed = "completed"
    package static let failed = "failed"

    /// `ongoing` is `active` for a conversation; other statuses read the same.
    package static func conversationStatus(_ stored: String) -> String { stored == ongoing ? "active" : stored }
}

extension Timestamp {
    /// Formats Unix milliseconds.
    package static func millis(_ milliseconds: Int64) -> String { string(Double(milliseconds) / 1000) }

    /// Parses ISO 8601 to Unix milliseconds.
    package static func parseMillis(_ text: String) -> Int64? {
        parse(text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// The current Unix millisecond.
    package static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
