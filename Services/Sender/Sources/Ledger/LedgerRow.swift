import GRDB
import WireModels

/// One message's row in `sender.sqlite`'s `message_status` table, as of one transition.
struct LedgerRow: Sendable, Equatable {
    var messageID: String
    var organizationID: Int
    var assistantID: Int?
    var provider: String
    var from: String
    var to: String
    var body: String?
    var status: MessageStatus
    var providerMessageID: String?
    var error: String?
    var errorCode: String?
    var attempts: Int
    var idempotencyKey: String?
    var createdAt: String
    var updatedAt: String
    /// Orders the transitions of one message, so a write that lands late never moves a row back.
    var revision: Int

    /// Where a transition stands within one attempt.
    enum Stage: Int, Sendable {
        /// Accepted and waiting (before the first attempt).
        case queued = 0
        /// The provider call of the attempt is starting.
        case sending = 1
        /// The attempt failed and a retry is scheduled.
        case retrying = 2
        /// Sent, failed or cancelled: nothing follows.
        case final = 3
    }

    /// Attempt-major, stage-minor: attempt 2's `sending` comes after attempt 1's `retrying`.
    static func revision(attempts: Int, stage: Stage) -> Int {
        attempts * 4 + stage.rawValue
    }

    /// Inserts the row, or updates the message's row when this transition is not older than it.
    static func upsert(_ rows: [LedgerRow], in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO message_status (message_id, organization_id, assistant_id, provider, from_number, to_number,
                  body, status, provider_message_id, error, error_code, attempts, idempotency_key, created_at, updated_at, revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(message_id) DO UPDATE SET
                  status = excluded.status,
                  provider_message_id = COALESCE(excluded.provider_message_id, message_status.provider_message_id),
                  error = excluded.error, error_code = excluded.error_code,
                  attempts = MAX(message_status.attempts, excluded.attempts),
                  body = COALESCE(excluded.body, message_status.body),
                  updated_at = excluded.updated_at, revision = excluded.revision
                WHERE excluded.revision >= message_status.revision
                """)
        for row in rows {
            try statement.execute(arguments: [
                row.messageID, row.organizationID, row.assistantID, row.provider, row.from, row.to, row.body,
                row.status.rawValue, row.providerMessageID, row.error, row.errorCode, row.attempts, row.idempotencyKey,
                row.createdAt, row.updatedAt, row.revision,
            ])
        }
    }
}
