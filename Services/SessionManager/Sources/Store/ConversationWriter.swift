import Foundation
import GRDB
import WireModels

/// The SQL behind session-manager's batched writer: stores chat messages in the right
/// conversation (starting and completing conversations as sessions come and go), queues inbound
/// texts for forwarding, and upserts voice call records. Everything runs inside the writer's
/// transaction, so a batch is stored completely or not at all, and the consumer acknowledges its
/// entries only afterwards.
package struct ConversationWriter: Sendable {
    /// The session lifetime, in milliseconds; a conversation completed because its session ended
    /// ends at its last activity plus this (or now, whichever is earlier).
    package var sessionTTL: Int64

    package init(sessionTTL: Duration) {
        self.sessionTTL = Int64(sessionTTL.components.seconds) * 1000
    }

    /// Applies one batch in order.
    package func apply(_ db: Database, _ items: [SessionWrite]) throws {
        let now = Timestamp.nowMillis()
        var chosen: [PairKey: ConversationSnapshot] = [:]
        let encoder = JSONEncoder.forwarding
        for item in items {
            switch item {
            case .chatMessage(let input, let slot):
                slot.outcome = try store(db, input, now: now, chosen: &chosen, encoder: encoder)
            case .callRecord(let record, let assistantName):
                try upsert(db, record, assistantName: assistantName, encoder: encoder)
            case .forwardFinished(let messageID):
                try db.cachedStatement(sql: "DELETE FROM forward_outbox WHERE message_id = ?").execute(arguments: [messageID])
            case .forwardRescheduled(let messageID, let attempts, let firstAttemptAt, let nextAttemptAt):
                try db.cachedStatement(
                    sql: "UPDATE forward_outbox SET attempts = ?, first_attempt_at = ?, next_attempt_at = ? WHERE message_id = ?"
                ).execute(arguments: [attempts, firstAttemptAt, nextAttemptAt, messageID])
            }
        }
    }

    // MARK: Chat messages

    private struct PairKey: Hashable {
        var organizationID: Int
        var assistantID: Int
        var customerPhone: String
    }

    private func store(
        _ db: Database, _ input: ChatMessageInput, now: Int64, chosen: inout [PairKey: ConversationSnapshot],
        encoder: JSONEncoder
    ) throws -> StoredMessageOutcome {
        if let previous = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT conversation_id, started_conversation FROM processed_messages WHERE message_id = ?"),
            arguments: [input.messageID])
        {
            let conversationID: Int = previous["conversation_id"]
            let started: Bool = previous["started_conversation"]
            guard let conversation = try ConversationRepository.conversation(db, id: conversationID) else {
                throw SessionManagerError.inconsistentStore("processed message without its conversation")
            }
            return StoredMessageOutcome(conversation: conversation, isDuplicate: true, startedConversation: started, completed: [])
        }

        let key = PairKey(organizationID: input.organizationID, assistantID: input.assistantID, customerPhone: input.customerPhone)
        var completed: [ConversationSnapshot] = []
        var started = false
        var conversation: ConversationSnapshot
        if let current = chosen[key] {
            conversation = current
        } else {
            let active = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM call_records
                        WHERE assistant_id = ? AND customer_phone_number = ? AND channel = 'sms' AND status = 'ongoing'
                          AND sms_deleted = 0 AND organization_id = ?
                        ORDER BY id DESC
                        """),
                arguments: [input.assistantID, input.customerPhone, input.organizationID]
            ).map(ConversationSnapshot.init(row:))
            // The session is the truth about whether a conversation goes on: an active conversation
            // whose session expired or was cleared ends here, and the message starts a new one.
            let kept = active.first { $0.id == input.sessionConversationID }
            for stale in active where stale.id != kept?.id {
                if let ended = try complete(db, stale, now: now) { completed.append(ended) }
            }
            if let kept {
                conversation = kept
            } else {
                conversation = try start(db, input, encoder: encoder)
                started = true
            }
        }

        conversation.messageCount += 1
        conversation.lastActivity = max(conversation.lastActivity, input.occurredAt)
        try db.cachedStatement(
            sql: """
                INSERT INTO chat_messages (conversation_id, message_id, role, content, timestamp, message_index)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            conversation.id, input.messageID, input.direction == .inbound ? "user" : "assistant", input.content,
            input.occurredAt, conversation.messageCount,
        ])
        try db.cachedStatement(sql: "UPDATE call_records SET message_count = ?, last_activity = ? WHERE id = ?")
            .execute(arguments: [conversation.messageCount, conversation.lastActivity, conversation.id])
        try db.cachedStatement(
            sql: "INSERT INTO processed_messages (message_id, conversation_id, started_conversation, processed_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [input.messageID, conversation.id, started, now])

        if input.direction == .inbound {
            let webhook = SMSReceivedWebhook(
                timestamp: input.occurredAtText,
                data: .init(
                    messageID: input.messageID, from: input.customerPhone, to: input.assistantPhone, body: input.body,
                    mediaURLs: input.mediaURLs, provider: input.provider, conversationID: conversation.id,
                    assistantID: input.assistantID))
            let body = String(decoding: try encoder.encode(webhook), as: UTF8.self)
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO forward_outbox
                        (message_id, organization_id, assistant_id, conversation_id, body, created_at, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                input.messageID, input.organizationID, input.assistantID, conversation.id, body, now, now,
            ])
        }
        chosen[key] = conversation
        return StoredMessageOutcome(conversation: conversation, isDuplicate: false, startedConversation: started, completed: completed)
    }

    private func start(_ db: Database, _ input: ChatMessageInput, encoder: JSONEncoder) throws -> ConversationSnapshot {
        let sessionID = SMSSessionDocument.sessionID(customerPhone: input.customerPhone, assistantPhone: input.assistantPhone)
        let meta = String(
            decoding: try encoder.encode(["channel": JSONValue.string("sms"), "session_id": .string(sessionID)]),
            as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO call_records
                    (organization_id, channel, call_sid, session_id, assistant_id, assistant_name, to_phone_number,
                     customer_phone_number, direction, status, message_count, started_at, last_activity, call_meta)
                VALUES (?, 'sms', '', ?, ?, ?, ?, ?, ?, 'ongoing', 0, ?, ?, ?)
                """
        ).execute(arguments: [
            input.organizationID, sessionID, input.assistantID, input.assistantName, input.assistantPhone, input.customerPhone,
            input.direction.rawValue, input.occurredAt, input.occurredAt, meta,
        ])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "UPDATE call_records SET call_sid = 'sms_' || id WHERE id = ?").execute(arguments: [id])
        guard let conversation = try ConversationRepository.conversation(db, id: Int(id)) else {
            throw SessionManagerError.inconsistentStore("conversation vanished after insert")
        }
        return conversation
    }

    /// Completes an active conversation whose session ended; nil when it was no longer active.
    /// `idleBefore` completes it only if it has had no message since then (the sweeper's guard
    /// against a message that arrived meanwhile).
    package func complete(_ db: Database, _ conversation: ConversationSnapshot, now: Int64, idleBefore: Int64? = nil) throws
        -> ConversationSnapshot?
    {
        let ended = min(now, conversation.lastActivity + sessionTTL)
        let duration = Int(max(0, ended - conversation.startedAt) / 1000)
        try db.cachedStatement(
            sql: """
                UPDATE call_records SET status = 'completed', ended_at = ?, duration = ?
                WHERE id = ? AND status = 'ongoing' AND last_activity <= ?
                """
        ).execute(arguments: [ended, duration, conversation.id, idleBefore ?? Int64.max])
        guard db.changesCount == 1 else { return nil }
        var completed = conversation
        completed.status = CallStatus.completed
        completed.endedAt = ended
        completed.duration = duration
        return completed
    }

    // MARK: Voice calls

    private func upsert(_ db: Database, _ record: CallIngestRecord, assistantName: String?, encoder: JSONEncoder) throws {
        let startedAt = Timestamp.parseMillis(record.startedAt) ?? 0
        let endedAt = record.endedAt.flatMap(Timestamp.parseMillis)
        let meta = try record.callMeta.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try db.cachedStatement(
            sql: """
                INSERT INTO call_records
                    (organization_id, channel, call_sid, assistant_id, assistant_name, flow_name, to_phone_number,
                     customer_phone_number, direction, status, duration, message_count, started_at, last_activity, ended_at,
                     call_meta, total_cost, llm_cost, tts_cost, stt_cost, telephony_cost, cost_currency)
                VALUES (?, 'voice', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization_id, call_sid) WHERE channel = 'voice' DO UPDATE SET
                    assistant_id = excluded.assistant_id, assistant_name = excluded.assistant_name,
                    flow_name = excluded.flow_name, to_phone_number = excluded.to_phone_number,
                    customer_phone_number = excluded.customer_phone_number, direction = excluded.direction,
                    status = excluded.status, duration = excluded.duration, started_at = excluded.started_at,
                    last_activity = excluded.last_activity, ended_at = excluded.ended_at, call_meta = excluded.call_meta,
                    total_cost = excluded.total_cost, llm_cost = excluded.llm_cost, tts_cost = excluded.tts_cost,
                    stt_cost = excluded.stt_cost, telephony_cost = excluded.telephony_cost,
                    cost_currency = excluded.cost_currency
                """
        ).execute(arguments: [
            record.organizationID, record.callSID, record.assistantID, assistantName, record.flowName, record.toPhoneNumber,
            record.customerPhoneNumber, record.direction ?? "inbound", record.status, record.duration, startedAt,
            endedAt ?? startedAt, endedAt, meta, record.totalCost, record.llmCost, record.ttsCost, record.sttCost,
            record.telephonyCost, record.costCurrency,
        ])
    }
}

extension JSONEncoder {
    /// Compact JSON with stable key order, for stored documents and forwarded bodies.
    package static var forwarding: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
