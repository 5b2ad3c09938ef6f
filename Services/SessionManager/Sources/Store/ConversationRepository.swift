import Foundation
import GRDB
import SQLiteStore
import WireModels

/// Filters of `GET /api/v1/sms-conversations/`, validated.
package struct ConversationFilter: Sendable, Equatable {
    /// Stored status (`ongoing` for `active`).
    package var status: String?
    package var assistantID: Int?
    /// Exact customer number.
    package var customerPhone: String?
    /// `started_at` bounds, Unix milliseconds, inclusive.
    package var dateFrom: Int64?
    package var dateTo: Int64?

    package init(status: String? = nil, assistantID: Int? = nil, customerPhone: String? = nil, dateFrom: Int64? = nil, dateTo: Int64? = nil) {
        self.status = status
        self.assistantID = assistantID
        self.customerPhone = customerPhone
        self.dateFrom = dateFrom
        self.dateTo = dateTo
    }
}

/// Filters of `GET /api/v1/calls`, validated; all combine with AND.
package struct CallFilter: Sendable, Equatable {
    package var status: String?
    package var assistantID: Int?
    /// Case-insensitive substrings.
    package var customerPhone: String?
    package var callSID: String?
    package var assistantName: String?
    package var dateFrom: Int64?
    package var dateTo: Int64?
    /// Seconds, inclusive.
    package var minDuration: Int?
    package var maxDuration: Int?

    package init() {}
}

/// Reads and archives conversations and call records in `session-manager.sqlite`. Every query
/// is scoped to one organization.
package struct ConversationRepository: Sendable {
    let database: SQLiteDatabase

    package init(database: SQLiteDatabase) {
        self.database = database
    }

    // MARK: Conversations

    /// A conversation by id (any organization, archived included), or nil.
    static func conversation(_ db: Database, id: Int) throws -> ConversationSnapshot? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM call_records WHERE id = ? AND channel = 'sms'"), arguments: [id])
            .map(ConversationSnapshot.init(row:))
    }

    /// A live (not archived) conversation of the organization, or nil.
    package func conversation(organizationID: Int, id: Int) async throws -> ConversationSnapshot? {
        try await database.read { db in
            guard let conversation = try Self.conversation(db, id: id),
                conversation.organizationID == organizationID, !conversation.deleted
            else { return nil }
            return conversation
        }
    }

    /// One page of the organization's live conversations, newest first, and how many match.
    package func conversations(organizationID: Int, filter: ConversationFilter, skip: Int, limit: Int) async throws
        -> (items: [ConversationSnapshot], total: Int)
    {
        try await database.read { db in
            var clauses = ["organization_id = ?", "channel = 'sms'", "sms_deleted = 0"]
            var arguments: [any DatabaseValueConvertible] = [organizationID]
            if let status = filter.status {
                clauses.append("status = ?")
                arguments.append(status)
            }
            if let assistantID = filter.assistantID {
                clauses.append("assistant_id = ?")
                arguments.append(assistantID)
            }
            if let customer = filter.customerPhone {
                clauses.append("customer_phone_number = ?")
                arguments.append(customer)
            }
            Self.dateClauses(filter.dateFrom, filter.dateTo, into: &clauses, &arguments)
            let condition = clauses.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM call_records WHERE \(condition) ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [limit, skip]))
            return (rows.map(ConversationSnapshot.init(row:)), total)
        }
    }

    /// The chat messages of a conversation, in order.
    package func messages(conversationID: Int) async throws -> [SMSConversationMessage] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM chat_messages WHERE conversation_id = ? ORDER BY message_index", arguments: [conversationID]
            ).map { row in
                SMSConversationMessage(
                    id: row["id"], conversationID: row["conversation_id"], role: row["role"], content: row["content"],
                    timestamp: Timestamp.millis(row["timestamp"]), messageIndex: row["message_index"],
                    llmProvider: row["llm_provider"], llmModel: row["llm_model"])
            }
        }
    }

    /// Recent call and SMS records of the same organization, customer and assistant (archived SMS
    /// threads left out), newest first.
    package func related(to conversation: ConversationSnapshot, limit: Int = 50) async throws -> [RelatedConversation] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM call_records
                    WHERE organization_id = ? AND customer_phone_number = ? AND assistant_id = ?
                      AND NOT (channel = 'sms' AND sms_deleted = 1)
                    ORDER BY started_at DESC, id DESC LIMIT ?
                    """,
                arguments: [conversation.organizationID, conversation.customerPhone, conversation.assistantID, limit]
            ).map { row in
                let channel: String = row["channel"]
                let status: String = row["status"]
                let id: Int = row["id"]
                return RelatedConversation(
                    id: id, callSID: row["call_sid"], channel: channel, direction: row["direction"],
                    status: channel == "sms" ? CallStatus.conversationStatus(status) : status, duration: row["duration"],
                    messageCount: row["message_count"], startedAt: Timestamp.millis(row["started_at"]),
                    endedAt: (row["ended_at"] as Int64?).map(Timestamp.millis), isCurrent: id == conversation.id)
            }
        }
    }

    /// Archives a conversation: marks the record deleted (`call_meta.sms_deleted`), completes it
    /// if it was active, and deletes its chat messages and pending forwards. Returns false when it
    /// was already archived.
    package func archive(_ conversation: ConversationSnapshot, now: Int64) async throws -> Bool {
        try await database.write { db in
            let duration = Int(max(0, now - conversation.startedAt) / 1000)
            try db.execute(
                sql: """
                    UPDATE call_records SET
                        sms_deleted = 1,
                        call_meta = json_set(COALESCE(call_meta, '{}'), '$.sms_deleted', json('true')),
                        ended_at = CASE WHEN status = 'ongoing' THEN ? ELSE ended_at END,
                        duration = CASE WHEN status = 'ongoing' THEN ? ELSE duration END,
                        status = CASE WHEN status = 'ongoing' THEN 'completed' ELSE status END
                    WHERE id = ? AND sms_deleted = 0
                    """, arguments: [now, duration, conversation.id])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "DELETE FROM chat_messages WHERE conversation_id = ?", arguments: [conversation.id])
            try db.execute(sql: "DELETE FROM forward_outbox WHERE conversation_id = ?", arguments: [conversation.id])
            return true
        }
    }

    // MARK: Sessions

    /// Active conversations idle since `cutoff` (their session has expired unless refreshed
    /// meanwhile), oldest first; optionally of one organization.
    package func idleActiveConversations(before cutoff: Int64, organizationID: Int? = nil, limit: Int) async throws -> [ConversationSnapshot] {
        try await database.read { db in
            var sql = """
                SELECT * FROM call_records
                WHERE channel = 'sms' AND status = 'ongoing' AND sms_deleted = 0 AND last_activity <= ?
                """
            var arguments: [any DatabaseValueConvertible] = [cutoff]
            if let organizationID {
                sql += " AND organization_id = ?"
                arguments.append(organizationID)
            }
            sql += " ORDER BY last_activity LIMIT ?"
            arguments.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(ConversationSnapshot.init(row:))
        }
    }

    /// Completes the given conversations (their sessions ended); returns those that were still active.
    /// `idleBefore` leaves alone any that received a message after it.
    package func complete(ids: [Int], writer: ConversationWriter, now: Int64, idleBefore: Int64? = nil) async throws -> [ConversationSnapshot] {
        guard !ids.isEmpty else { return [] }
        return try await database.write { db in
            var completed: [ConversationSnapshot] = []
            for id in ids {
                guard let conversation = try Self.conversation(db, id: id), conversation.isActive else { continue }
                if let ended = try writer.complete(db, conversation, now: now, idleBefore: idleBefore) {
                    completed.append(ended)
                }
            }
            return completed
        }
    }

    /// Forgets processed message ids older than `cutoff`, a bounded number at a time.
    package func pruneProcessedMessages(before cutoff: Int64, limit: Int = 10_000) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM processed_messages WHERE message_id IN
                        (SELECT message_id FROM processed_messages WHERE processed_at < ? LIMIT ?)
                    """, arguments: [cutoff, limit])
            return db.changesCount
        }
    }

    // MARK: Calls

    /// One page of the organization's call records (voice and SMS), newest first, and how many match.
    package func calls(organizationID: Int, filter: CallFilter, skip: Int, limit: Int) async throws -> (items: [CallResponse], total: Int) {
        try await database.read { db in
            var clauses = ["organization_id = ?"]
            var arguments: [any DatabaseValueConvertible] = [organizationID]
            if let status = filter.status {
                clauses.append("status = ?")
                arguments.append(status)
            }
            if let assistantID = filter.assistantID {
                clauses.append("assistant_id = ?")
                arguments.append(assistantID)
            }
            for (column, term) in [
                ("customer_phone_number", filter.customerPhone), ("call_sid", filter.callSID), ("assistant_name", filter.assistantName),
            ] {
                guard let term else { continue }
                if term.count >= 3, column != "assistant_name" {
                    // The trigram index narrows the rows (its LIKE has no ESCAPE, so `%` and `_`
                    // in the term match loosely there); the exact test below keeps them literal.
                    clauses.append("id IN (SELECT rowid FROM call_search WHERE \(column) LIKE ?)")
                    arguments.append("%" + term + "%")
                }
                clauses.append("\(column) LIKE ? ESCAPE '\\'")
                arguments.append("%" + Self.escapeLike(term) + "%")
            }
            Self.dateClauses(filter.dateFrom, filter.dateTo, into: &clauses, &arguments)
            if let minDuration = filter.minDuration {
                clauses.append("duration >= ?")
                arguments.append(minDuration)
            }
            if let maxDuration = filter.maxDuration {
                clauses.append("duration <= ?")
                arguments.append(maxDuration)
            }
            let condition = clauses.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM call_records WHERE \(condition) ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [limit, skip]))
            let decoder = JSONDecoder()
            return (rows.map { Self.call(row: $0, decoder: decoder) }, total)
        }
    }

    private static func call(row: Row, decoder: JSONDecoder) -> CallResponse {
        let meta = (row["call_meta"] as String?).flatMap { try? decoder.decode([String: JSONValue].self, from: Data($0.utf8)) }
        return CallResponse(
            id: row["id"], callSID: row["call_sid"], assistantID: row["assistant_id"], assistantName: row["assistant_name"],
            flowName: row["flow_name"], toPhoneNumber: row["to_phone_number"], customerPhoneNumber: row["customer_phone_number"],
            status: row["status"], duration: row["duration"], startedAt: Timestamp.millis(row["started_at"]),
            endedAt: (row["ended_at"] as Int64?).map(Timestamp.millis), callMeta: meta, totalCost: row["total_cost"],
            llmCost: row["llm_cost"], ttsCost: row["tts_cost"], sttCost: row["stt_cost"], telephonyCost: row["telephony_cost"],
            costCurrency: row["cost_currency"])
    }

    private static func dateClauses(
        _ from: Int64?, _ to: Int64?, into clauses: inout [String], _ arguments: inout [any DatabaseValueConvertible]
    ) {
        if let from {
            clauses.append("started_at >= ?")
            arguments.append(from)
        }
        if let to {
            clauses.append("started_at <= ?")
            arguments.append(to)
        }
    }

    /// Escapes `%`, `_` and the escape character itself for `LIKE ... ESCAPE '\'`.
    static func escapeLike(_ term: String) -> String {
        term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
