import Foundation
import GRDB
import Logging
import WireModels

// MARK: Ingest

extension LogRepository {
    /// Applies a batch of events inside the writer's transaction. Each event runs in its own
    /// savepoint: one whose data SQLite rejects is logged and skipped without undoing the others,
    /// while an I/O error fails the whole batch (nothing is acknowledged, so it is redelivered).
    package static func apply(_ events: [IndexedEvent], in db: Database, retentionCutoff: Int64, logger: Logger) throws {
        for event in events {
            do {
                try db.inSavepoint {
                    try apply(event, in: db, retentionCutoff: retentionCutoff)
                    return .commit
                }
            } catch let error as DatabaseError where Self.isDataError(error) {
                logger.error(
                    "event could not be indexed",
                    metadata: [
                        "sb.event_id": "\(event.event.eventID)", "sb.event_type": "\(event.event.type.rawValue)",
                        "sb.error": "\(error)",
                    ])
            }
        }
    }

    private static func isDataError(_ error: DatabaseError) -> Bool {
        [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE].contains(error.resultCode)
    }

    /// Applies one event: idempotent (by `event_id`) and independent of arrival order.
    static func apply(_ indexed: IndexedEvent, in db: Database, retentionCutoff: Int64) throws {
        let event = indexed.event
        let time = indexed.occurredAt
        // Too old to keep: a replay of the stream must not bring pruned logs back.
        guard time >= retentionCutoff else { return }

        // Late events of an archived conversation, or of a message in one, are dropped.
        if let conversationID = event.conversationID, try isArchived(db, conversationID: conversationID) { return }
        var linkedConversation: Int64?
        if let messageID = event.messageID, let link = try conversationLink(db, messageID: messageID) {
            if link.archived { return }
            linkedConversation = link.conversationID
        }
        if event.type == .conversationArchived {
            if let conversationID = event.conversationID {
                try archive(db, conversationID: Int64(conversationID), at: time)
            }
            return
        }

        guard try !eventExists(db, eventID: event.eventID) else { return }

        let conversationID = event.conversationID.map(Int64.init) ?? linkedConversation
        var logID: Int64?
        if let status = LogStatus(event) {
            logID = try upsertLog(db, patch: LogPatch(indexed, status: status, conversationID: conversationID), event: event)
        } else if event.messageID != nil || event.providerMessageID != nil {
            logID = try locateLog(db, event: event)?.id
        }
        try insertEvent(db, indexed, logID: logID)

        if let conversationID = event.conversationID {
            try touchConversation(db, id: Int64(conversationID), event: event, at: time)
            if let messageID = event.messageID {
                try link(db, messageID: messageID, conversationID: Int64(conversationID))
            }
        }
    }

    // MARK: Events

    private static func eventExists(_ db: Database, eventID: String) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM sms_event WHERE event_id = ?")
        return try Int.fetchOne(statement, arguments: [eventID]) != nil
    }

    private static func insertEvent(_ db: Database, _ indexed: IndexedEvent, logID: Int64?) throws {
        let event = indexed.event
        let line = TimelineLine(event)
        // Only what a provider sent is kept raw: receipts, inbound messages, webhook audits.
        let keepsRaw = event.rawPayload != nil && (LogStatus.isReceipt(event) || event.type == .received || event.type == .webhookReceived)
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO sms_event (event_id, organization_id, log_id, conversation_id, message_id, provider,
                    provider_message_id, event_type, level, message, event_data, raw_payload, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            event.eventID, event.organizationID, logID, event.conversationID, event.messageID, event.provider,
            event.providerMessageID, event.type.rawValue, line.level, line.message, line.eventData,
            keepsRaw ? event.rawPayload : nil, indexed.occurredAt,
        ])
    }

    /// Links events stored before their message had a log (audits that came first).
    private static func attachOrphanEvents(_ db: Database, logID: Int64, messageID: String?, providerMessageID: String?) throws {
        if let messageID {
            let statement = try db.cachedStatement(
                sql: "UPDATE sms_event SET log_id = ? WHERE log_id IS NULL AND message_id = ?")
            try statement.execute(arguments: [logID, messageID])
        }
        if let providerMessageID {
            let statement = try db.cachedStatement(
                sql: "UPDATE sms_event SET log_id = ? WHERE log_id IS NULL AND provider_message_id = ?")
            try statement.execute(arguments: [logID, providerMessageID])
        }
    }

    // MARK: Logs

    /// Finds the log of the event's message, adopting or merging a log that a receipt created
    /// before our own events named the message; creates the log when there is none.
    private static func upsertLog(_ db: Database, patch: LogPatch, event: MessageEvent) throws -> Int64 {
        if let row = try locateLog(db, event: event) {
            try update(db, row: row, with: patch)
            return row.id
        }
        let id = try insert(db, patch: patch, messageID: event.messageID)
        try attachOrphanEvents(db, logID: id, messageID: event.messageID, providerMessageID: event.providerMessageID)
        return id
    }

    /// The log of the event's message, by our id or else by the provider's; nil when none exists.
    static func locateLog(_ db: Database, event: MessageEvent) throws -> LogRow? {
        var row = try event.messageID.flatMap { try fetchLog(db, messageID: $0) }
        guard let providerMessageID = event.providerMessageID else { return row }
        if let messageID = event.messageID {
            // A receipt that named only the provider's id may have made a log of its own.
            guard let orphan = try fetchOrphanLog(db, providerMessageID: providerMessageID, provider: event.provider) else {
                return row
            }
            if let target = row {
                try merge(db, orphan: orphan, into: target)
                // The merge moved the target on: compare later events with what it holds now.
                row = try fetchLog(db, messageID: messageID)
            } else {
                let statement = try db.cachedStatement(sql: "UPDATE sms_log SET message_id = ? WHERE id = ?")
                try statement.execute(arguments: [messageID, orphan.id])
                try attachOrphanEvents(db, logID: orphan.id, messageID: messageID, providerMessageID: nil)
                row = orphan
            }
            return row
        }
        if row == nil {
            row = try fetchLog(db, providerMessageID: providerMessageID, provider: event.provider)
        }
        return row
    }

    private static func merge(_ db: Database, orphan: LogRow, into target: LogRow) throws {
        try update(db, row: target, with: LogPatch(orphan))
        let repoint = try db.cachedStatement(sql: "UPDATE sms_event SET log_id = ? WHERE log_id = ?")
        try repoint.execute(arguments: [target.id, orphan.id])
        let delete = try db.cachedStatement(sql: "DELETE FROM sms_log WHERE id = ?")
        try delete.execute(arguments: [orphan.id])
    }

    private static func insert(_ db: Database, patch: LogPatch, messageID: String?) throws -> Int64 {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO sms_log (organization_id, message_id, conversation_id, provider, provider_message_id, direction,
                    from_number, to_number, body, media_urls, segment_count, encoding, assistant_id, status, status_rank,
                    status_at, provider_status, receipt_rank, receipt_at, error_code, error_message, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            patch.organizationID, messageID, patch.conversationID, patch.provider, patch.providerMessageID, patch.direction,
            patch.fromNumber, patch.toNumber, patch.body, patch.mediaURLs, patch.segmentCount, patch.encoding,
            patch.assistantID, patch.status.status, patch.status.rank, patch.statusAt, patch.providerStatus,
            patch.receiptRank, patch.receiptAt, patch.errorCode, patch.errorMessage, patch.createdAt, patch.updatedAt,
        ])
        return db.lastInsertedRowID
    }

    /// Fills what the log lacks, and moves its status and provider status only forward.
    private static func update(_ db: Database, row: LogRow, with patch: LogPatch) throws {
        let statusWins =
            patch.status.rank > row.statusRank || (patch.status.rank == row.statusRank && patch.statusAt > row.statusAt)
        let receiptWins =
            patch.providerStatus != nil
            && (patch.receiptRank > row.receiptRank || (patch.receiptRank == row.receiptRank && patch.receiptAt > row.receiptAt))
        let errorWins = statusWins && (patch.errorCode != nil || patch.errorMessage != nil)
        let statement = try db.cachedStatement(
            sql: """
                UPDATE sms_log SET
                    organization_id = coalesce(organization_id, ?), conversation_id = coalesce(conversation_id, ?),
                    provider = coalesce(provider, ?), provider_message_id = coalesce(provider_message_id, ?),
                    from_number = coalesce(from_number, ?), to_number = coalesce(to_number, ?), body = coalesce(body, ?),
                    media_urls = coalesce(media_urls, ?), segment_count = coalesce(segment_count, ?),
                    encoding = coalesce(encoding, ?), assistant_id = coalesce(assistant_id, ?),
                    status = ?, status_rank = ?, status_at = ?, provider_status = ?, receipt_rank = ?, receipt_at = ?,
                    error_code = ?, error_message = ?, created_at = min(created_at, ?), updated_at = max(updated_at, ?)
                WHERE id = ?
                """)
        try statement.execute(arguments: [
            patch.organizationID, patch.conversationID, patch.provider, patch.providerMessageID, patch.fromNumber,
            patch.toNumber, patch.body, patch.mediaURLs, patch.segmentCount, patch.encoding, patch.assistantID,
            statusWins ? patch.status.status : row.status, statusWins ? patch.status.rank : row.statusRank,
            statusWins ? patch.statusAt : row.statusAt,
            receiptWins ? patch.providerStatus : row.providerStatus, receiptWins ? patch.receiptRank : row.receiptRank,
            receiptWins ? patch.receiptAt : row.receiptAt,
            errorWins ? patch.errorCode : row.errorCode, errorWins ? patch.errorMessage : row.errorMessage,
            patch.createdAt, patch.updatedAt, row.id,
        ])
    }

    private static let logColumns = """
        id, organization_id, conversation_id, provider, provider_message_id, direction, from_number, to_number, body,
        media_urls, segment_count, encoding, assistant_id, status, status_rank, status_at, provider_status, receipt_rank,
        receipt_at, error_code, error_message, created_at, updated_at
        """

    private static func fetchLog(_ db: Database, messageID: String) throws -> LogRow? {
        let statement = try db.cachedStatement(sql: "SELECT \(logColumns) FROM sms_log WHERE message_id = ?")
        return try Row.fetchOne(statement, arguments: [messageID]).map(LogRow.init)
    }

    private static func fetchLog(_ db: Database, providerMessageID: String, provider: String?) throws -> LogRow? {
        // Prefer the log that knows our message id, should an orphan exist beside it.
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(logColumns) FROM sms_log
                WHERE provider_message_id = ?1 AND (?2 IS NULL OR provider IS NULL OR provider = ?2)
                ORDER BY message_id IS NULL LIMIT 1
                """)
        return try Row.fetchOne(statement, arguments: [providerMessageID, provider]).map(LogRow.init)
    }

    private static func fetchOrphanLog(_ db: Database, providerMessageID: String, provider: String?) throws -> LogRow? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(logColumns) FROM sms_log
                WHERE provider_message_id = ?1 AND message_id IS NULL AND (?2 IS NULL OR provider IS NULL OR provider = ?2)
                LIMIT 1
                """)
        return try Row.fetchOne(statement, arguments: [providerMessageID, provider]).map(LogRow.init)
    }

    // MARK: Conversations

    private static func isArchived(_ db: Database, conversationID: Int) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT archived_at IS NOT NULL FROM conversation WHERE id = ?")
        return try Bool.fetchOne(statement, arguments: [conversationID]) ?? false
    }

    private static func conversationLink(_ db: Database, messageID: String) throws -> (conversationID: Int64, archived: Bool)? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT m.conversation_id, c.archived_at IS NOT NULL FROM conversation_message m
                LEFT JOIN conversation c ON c.id = m.conversation_id WHERE m.message_id = ?
                """)
        guard let row = try Row.fetchOne(statement, arguments: [messageID]) else { return nil }
        return (row[0], row[1] ?? false)
    }

    private static func touchConversation(_ db: Database, id: Int64, event: MessageEvent, at time: Int64) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO conversation (id, organization_id, assistant_id, status, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET
                    organization_id = coalesce(organization_id, excluded.organization_id),
                    assistant_id = coalesce(assistant_id, excluded.assistant_id),
                    status = CASE WHEN excluded.status = 'completed' THEN 'completed' ELSE status END,
                    updated_at = max(updated_at, excluded.updated_at)
                """)
        let status = event.type == .conversationCompleted ? "completed" : "active"
        try statement.execute(arguments: [id, event.organizationID, event.assistantID, status, time])
    }

    private static func link(_ db: Database, messageID: String, conversationID: Int64) throws {
        let insert = try db.cachedStatement(
            sql: "INSERT INTO conversation_message (message_id, conversation_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        try insert.execute(arguments: [messageID, conversationID])
        let update = try db.cachedStatement(
            sql: "UPDATE sms_log SET conversation_id = ? WHERE message_id = ? AND conversation_id IS NULL")
        try update.execute(arguments: [conversationID, messageID])
    }

    /// Deletes a conversation's logs and events and keeps a tombstone, so late events stay out.
    private static func archive(_ db: Database, conversationID: Int64, at time: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO conversation (id, status, updated_at, archived_at) VALUES (?1, 'archived', ?2, ?2)
                ON CONFLICT(id) DO UPDATE SET status = 'archived', archived_at = coalesce(archived_at, ?2),
                    updated_at = max(updated_at, ?2)
                """, arguments: [conversationID, time])
        // Deleting a log deletes its events (foreign key), its FTS entry and its counts (triggers).
        try db.execute(
            sql: """
                DELETE FROM sms_log WHERE conversation_id = ?1
                   OR message_id IN (SELECT message_id FROM conversation_message WHERE conversation_id = ?1)
                """, arguments: [conversationID])
        try db.execute(
            sql: """
                DELETE FROM sms_event WHERE conversation_id = ?1
                   OR (log_id IS NULL AND message_id IN (SELECT message_id FROM conversation_message WHERE conversation_id = ?1))
                """, arguments: [conversationID])
    }
}

/// A log as stored, for updates and merges.
struct LogRow {
    var id: Int64
    var organizationID: Int?
    var conversationID: Int64?
    var provider: String?
    var providerMessageID: String?
    var direction: String
    var fromNumber: String?
    var toNumber: String?
    var body: String?
    var mediaURLs: String?
    var segmentCount: Int?
    var encoding: String?
    var assistantID: Int?
    var status: String
    var statusRank: Int
    var statusAt: Int64
    var providerStatus: String?
    var receiptRank: Int
    var receiptAt: Int64
    var errorCode: String?
    var errorMessage: String?
    var createdAt: Int64
    var updatedAt: Int64

    init(_ row: Row) {
        id = row[0]
        organizationID = row[1]
        conversationID = row[2]
        provider = row[3]
        providerMessageID = row[4]
        direction = row[5]
        fromNumber = row[6]
        toNumber = row[7]
        body = row[8]
        mediaURLs = row[9]
        segmentCount = row[10]
        encoding = row[11]
        assistantID = row[12]
        status = row[13]
        statusRank = row[14]
        statusAt = row[15]
        providerStatus = row[16]
        receiptRank = row[17]
        receiptAt = row[18]
        errorCode = row[19]
        errorMessage = row[20]
        createdAt = row[21]
        updatedAt = row[22]
    }
}

/// What one event (or a merged orphan log) says about a log.
struct LogPatch {
    var organizationID: Int?
    var conversationID: Int64?
    var provider: String?
    var providerMessageID: String?
    var direction: String
    var fromNumber: String?
    var toNumber: String?
    var body: String?
    var mediaURLs: String?
    var segmentCount: Int?
    var encoding: String?
    var assistantID: Int?
    var status: LogStatus
    var statusAt: Int64
    var providerStatus: String?
    var receiptRank: Int
    var receiptAt: Int64
    var errorCode: String?
    var errorMessage: String?
    var createdAt: Int64
    var updatedAt: Int64

    init(_ indexed: IndexedEvent, status: LogStatus, conversationID: Int64?) {
        let event = indexed.event
        let isReceipt = LogStatus.isReceipt(event)
        organizationID = event.organizationID
        self.conversationID = conversationID
        provider = event.provider
        providerMessageID = event.providerMessageID
        direction = event.direction == "inbound" ? "inbound" : "outbound"
        fromNumber = event.from
        toNumber = event.to
        body = event.body
        mediaURLs = event.mediaURLs.map(JSONObjectWriter.array)
        segmentCount = event.segments
        encoding = event.encoding
        assistantID = event.assistantID
        self.status = status
        statusAt = indexed.occurredAt
        providerStatus = isReceipt ? (event.providerStatus ?? status.status) : nil
        receiptRank = isReceipt ? status.rank : 0
        receiptAt = isReceipt ? indexed.occurredAt : 0
        errorCode = event.errorCode
        errorMessage = event.errorMessage
        createdAt = indexed.occurredAt
        updatedAt = indexed.occurredAt
    }

    init(_ row: LogRow) {
        organizationID = row.organizationID
        conversationID = row.conversationID
        provider = row.provider
        providerMessageID = row.providerMessageID
        direction = row.direction
        fromNumber = row.fromNumber
        toNumber = row.toNumber
        body = row.body
        mediaURLs = row.mediaURLs
        segmentCount = row.segmentCount
        encoding = row.encoding
        assistantID = row.assistantID
        status = LogStatus(status: row.status, rank: row.statusRank)
        statusAt = row.statusAt
        providerStatus = row.providerStatus
        receiptRank = row.receiptRank
        receiptAt = row.receiptAt
        errorCode = row.errorCode
        errorMessage = row.errorMessage
        createdAt = row.createdAt
        updatedAt = row.updatedAt
    }
}
