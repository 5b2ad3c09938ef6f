import Foundation
import GRDB
import SQLiteStore
import WireModels

/// log-indexer's storage: the ingest of events (`LogRepository+Ingest.swift`), and the reads behind
/// the routes, always scoped to one organization. Reads run on GRDB's reader connections (WAL), so
/// ingest and pruning never block them.
package struct LogRepository: Sendable {
    let database: SQLiteDatabase

    package init(database: SQLiteDatabase) {
        self.database = database
    }

    static let hour: Int64 = 3_600_000

    /// Settings of the writing connection for a high ingest rate: a large page cache (the
    /// indexes of a million logs stay in memory), fewer and larger WAL checkpoints (a page
    /// rewritten by many batches is copied to the database once), and `synchronous = NORMAL`,
    /// which in WAL mode never corrupts the database and at worst loses the last commits on
    /// power loss; those events were not acknowledged yet, so Redis redelivers them.
    package func tuneWriter() throws {
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
            // Each event runs in a savepoint, whose journal would otherwise go to a temp file.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
    }

    // MARK: List

    /// A page of an organization's logs, newest first, and how many match in all.
    package func list(organizationID: Int, filter: LogFilter, skip: Int, limit: Int) async throws -> (logs: [LogRecord], total: Int) {
        try await database.read { db in
            var clauses = ["l.organization_id = ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [organizationID]
            func equal(_ column: String, _ value: (any DatabaseValueConvertible)?) {
                guard let value else { return }
                clauses.append("l.\(column) = ?")
                arguments.append(value)
            }
            equal("provider", filter.provider)
            equal("direction", filter.direction)
            equal("status", filter.status)
            equal("from_number", filter.fromNumber)
            equal("to_number", filter.toNumber)
            equal("assistant_id", filter.assistantID)
            if let from = filter.range.from {
                clauses.append("l.created_at >= ?")
                arguments.append(from)
            }
            if let to = filter.range.to {
                clauses.append("l.created_at < ?")
                arguments.append(to)
            }
            var source = "sms_log l"
            if let search = filter.search {
                // The matches drive the query: a rare word touches few logs, whatever the organization's size.
                source = "sms_log_fts CROSS JOIN sms_log l ON l.id = sms_log_fts.rowid"
                clauses.insert("sms_log_fts MATCH ?", at: 0)
                arguments.insert(search, at: 0)
            }
            let whereClause = clauses.joined(separator: " AND ")
            let logs = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(LogRecord.columns) FROM \(source) WHERE \(whereClause)
                    ORDER BY l.created_at DESC, l.id DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments + [limit, skip] as [(any DatabaseValueConvertible)?])
            ).map(LogRecord.init)

            let total: Int
            if filter.isCountableFromRollup {
                total = try Self.groupedCounts(
                    db, organizationID: organizationID, range: filter.range, provider: filter.provider,
                    direction: filter.direction, status: filter.status
                ).values.reduce(0, +)
            } else if skip == 0 && logs.count < limit {
                total = logs.count
            } else {
                total = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \(source) WHERE \(whereClause)", arguments: StatementArguments(arguments)) ?? 0
            }
            return (logs, total)
        }
    }

    // MARK: Detail

    /// One log of the organization with the raw payloads its provider sent, or nil.
    func detail(organizationID: Int, logID: Int64) async throws -> (log: LogRecord, payloads: [(type: String, at: Int64, raw: String)])? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(LogRecord.columns) FROM sms_log l WHERE l.id = ? AND l.organization_id = ?",
                    arguments: [logID, organizationID])
            else { return nil }
            let payloads = try Row.fetchAll(
                db,
                sql: """
                    SELECT event_type, occurred_at, raw_payload FROM sms_event
                    WHERE log_id = ? AND raw_payload IS NOT NULL ORDER BY occurred_at, id
                    """, arguments: [logID]
            ).map { (type: $0[0] as String, at: $0[1] as Int64, raw: $0[2] as String) }
            return (LogRecord(row), payloads)
        }
    }

    // MARK: Stats

    /// Log counts per (direction, status, provider) for an organization over a date range.
    package func stats(organizationID: Int, range: LogDateRange) async throws -> [LogCountKey: Int] {
        try await database.read { db in
            try Self.groupedCounts(db, organizationID: organizationID, range: range, provider: nil, direction: nil, status: nil)
        }
    }

    /// Whole hours inside the range come from `sms_log_hourly`; the partial hours at its edges
    /// are counted from the logs themselves.
    static func groupedCounts(
        _ db: Database, organizationID: Int, range: LogDateRange, provider: String?, direction: String?, status: String?
    ) throws -> [LogCountKey: Int] {
        var filters = ""
        var filterArguments: [(any DatabaseValueConvertible)?] = []
        for (column, value) in [("provider", provider), ("direction", direction), ("status", status)] {
            guard let value else { continue }
            filters += " AND \(column) = ?"
            filterArguments.append(value)
        }
        var counts: [LogCountKey: Int] = [:]
        func add(_ rows: [Row]) {
            for row in rows {
                let key = LogCountKey(direction: row[0], status: row[1], provider: row[2])
                counts[key, default: 0] += row[3] as Int
            }
        }
        func hourly(_ firstHour: Int64?, _ endHour: Int64?) throws {
            var sql = "SELECT direction, status, provider, sum(count) FROM sms_log_hourly WHERE organization_id = ?"
            var arguments: [(any DatabaseValueConvertible)?] = [organizationID]
            if let firstHour {
                sql += " AND hour >= ?"
                arguments.append(firstHour)
            }
            if let endHour {
                sql += " AND hour < ?"
                arguments.append(endHour)
            }
            sql += filters + " GROUP BY direction, status, provider"
            add(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + filterArguments)))
        }
        func raw(_ from: Int64?, _ to: Int64?) throws {
            if let from, let to, from >= to { return }
            var sql = "SELECT direction, status, coalesce(provider, ''), count(*) FROM sms_log WHERE organization_id = ?"
            var arguments: [(any DatabaseValueConvertible)?] = [organizationID]
            if let from {
                sql += " AND created_at >= ?"
                arguments.append(from)
            }
            if let to {
                sql += " AND created_at < ?"
                arguments.append(to)
            }
            sql += filters + " GROUP BY 1, 2, 3"
            add(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + filterArguments)))
        }

        // The first whole hour at or after `from`, and the hour `to` falls in (not whole).
        let firstHour = range.from.map { ($0 + hour - 1) / hour }
        let endHour = range.to.map { $0 / hour }
        if let firstHour, let endHour, firstHour >= endHour {
            try raw(range.from, range.to)
        } else {
            try hourly(firstHour, endHour)
            if let from = range.from, let firstHour { try raw(from, firstHour * hour) }
            if let to = range.to, let endHour { try raw(endHour * hour, to) }
        }
        return counts.filter { $0.value > 0 }
    }

    // MARK: Timeline

    /// The owner of a conversation, or nil when it is unknown or archived.
    func conversationOwner(_ conversationID: Int64) async throws -> Int?? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT organization_id, archived_at FROM conversation WHERE id = ?", arguments: [conversationID])
            else { return nil }
            if (row[1] as Int64?) != nil { return nil }
            return .some(row[0] as Int?)
        }
    }

    /// A conversation's own events and those of its messages, oldest first.
    package func timeline(_ conversationID: Int64) async throws -> [SMSAuditLogEntry] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, occurred_at, event_type, level, message, event_data FROM sms_event WHERE conversation_id = ?1
                    UNION
                    SELECT id, occurred_at, event_type, level, message, event_data FROM sms_event
                    WHERE log_id IN (SELECT id FROM sms_log WHERE conversation_id = ?1)
                    UNION
                    SELECT id, occurred_at, event_type, level, message, event_data FROM sms_event
                    WHERE log_id IS NULL AND message_id IS NOT NULL
                      AND message_id IN (SELECT message_id FROM conversation_message WHERE conversation_id = ?1)
                    ORDER BY 2, 1
                    """, arguments: [conversationID])
            let decoder = JSONDecoder()
            return rows.map { row in
                let data = (row[5] as String?).flatMap { try? decoder.decode([String: JSONValue].self, from: Data($0.utf8)) }
                return SMSAuditLogEntry(
                    id: row[0], timestamp: Timestamp.string(Double(row[1] as Int64) / 1000), eventType: row[2], level: row[3],
                    message: row[4], eventData: data)
            }
        }
    }

    // MARK: Retention

    /// Deletes up to `batchSize` logs, events and conversations older than `cutoff` (each kind
    /// in one short transaction); returns how many rows went.
    func pruneBatch(cutoff: Int64, batchSize: Int) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM sms_log WHERE id IN (SELECT id FROM sms_log WHERE created_at < ? LIMIT ?)",
                arguments: [cutoff, batchSize])
            var deleted = db.changesCount
            try db.execute(
                sql: "DELETE FROM sms_event WHERE id IN (SELECT id FROM sms_event WHERE occurred_at < ? LIMIT ?)",
                arguments: [cutoff, batchSize])
            deleted += db.changesCount
            let conversations = try Int64.fetchAll(
                db, sql: "SELECT id FROM conversation WHERE updated_at < ? LIMIT ?", arguments: [cutoff, batchSize])
            for id in conversations {
                try db.execute(sql: "DELETE FROM conversation_message WHERE conversation_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id])
                deleted += 1
            }
            return deleted
        }
    }

    /// Drops hourly counters that pruning or archiving brought to zero.
    func compactCounters() async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM sms_log_hourly WHERE count <= 0")
        }
    }
}

/// The group key of stats counts.
package struct LogCountKey: Hashable, Sendable {
    var direction: String
    var status: String
    /// Empty when the log has no provider yet.
    var provider: String
}

/// A log as the routes read it.
package struct LogRecord: Sendable {
    static let columns = """
        l.id, l.organization_id, l.provider, l.provider_message_id, l.direction, l.from_number, l.to_number, l.body,
        l.media_urls, l.segment_count, l.status, l.provider_status, l.error_code, l.error_message, l.assistant_id,
        l.created_at, l.updated_at
        """

    var id: Int
    var organizationID: Int
    var provider: String?
    var providerMessageID: String?
    var direction: String
    var fromNumber: String?
    var toNumber: String?
    var body: String?
    var mediaURLs: [String]
    var segmentCount: Int?
    var status: String
    var providerStatus: String?
    var errorCode: String?
    var errorMessage: String?
    var assistantID: Int?
    var createdAt: Int64
    var updatedAt: Int64

    init(_ row: Row) {
        id = row[0]
        organizationID = row[1]
        provider = row[2]
        providerMessageID = row[3]
        direction = row[4]
        fromNumber = row[5]
        toNumber = row[6]
        body = row[7]
        mediaURLs = (row[8] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        segmentCount = row[9]
        status = row[10]
        providerStatus = row[11]
        errorCode = row[12]
        errorMessage = row[13]
        assistantID = row[14]
        createdAt = row[15]
        updatedAt = row[16]
    }

    /// The API item, with the assistant's name looked up by the caller.
    func item(assistantName: String?) -> SMSLogItem {
        SMSLogItem(
            id: id, provider: provider, providerMessageID: providerMessageID, direction: direction, fromNumber: fromNumber,
            toNumber: toNumber, body: body, mediaURLs: mediaURLs, segmentCount: segmentCount, status: status,
            providerStatus: providerStatus, errorCode: errorCode, errorMessage: errorMessage, assistantID: assistantID,
            assistantName: assistantName, createdAt: Timestamp.string(Double(createdAt) / 1000),
            updatedAt: Timestamp.string(Double(updatedAt) / 1000))
    }
}
