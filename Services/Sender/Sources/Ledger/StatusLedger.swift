import GRDB
import Logging
import SQLiteStore
import WireModels

/// The message status ledger in `sender.sqlite`: one row per message, upserted on every
/// transition through a `BatchedWriter`, so a message's history outlives its Redis hash.
struct StatusLedger: Sendable {
    /// The writer `Service`; run it before the consumers so it stops after them.
    let writer: BatchedWriter<LedgerRow>
    private let database: SQLiteDatabase
    private let logger: Logger

    init(database: SQLiteDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
        self.writer = BatchedWriter(database: database, logger: logger) { db, rows in try LedgerRow.upsert(rows, in: db) }
    }

    /// Records a transition. A failed write is logged, never thrown: Redis holds the truth, the
    /// ledger its history.
    func record(_ row: LedgerRow) async {
        do {
            try await writer.submit(row)
        } catch {
            logger.warning(
                "status ledger write failed",
                metadata: ["sb.message_id": "\(row.messageID)", "sb.error": "\(error)"])
        }
    }

    /// The message's last recorded state, when it belongs to `organizationID`.
    func status(messageID: String, organizationID: Int) async throws -> MessageStatusResponse? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT status, provider_message_id, error, updated_at FROM message_status
                        WHERE message_id = ? AND organization_id = ?
                        """,
                    arguments: [messageID, organizationID]),
                let status = MessageStatus(rawValue: row["status"])
            else { return nil }
            return MessageStatusResponse(
                messageID: messageID, status: status, providerMessageID: row["provider_message_id"], error: row["error"],
                updatedAt: row["updated_at"], deliveryStatus: nil)
        }
    }
}
