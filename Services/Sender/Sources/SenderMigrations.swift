import SQLiteStore

/// The sender's schema, in order. Each migration runs once per database file.
enum SenderMigrations {
    static let all: [SQLiteMigration] = [
        SQLiteMigration("v1-create-message-status") { db in
            // One row per outbound message: its latest pipeline state, kept after the Redis hash expires.
            try db.execute(
                sql: """
                    CREATE TABLE message_status (
                      message_id TEXT PRIMARY KEY NOT NULL,
                      organization_id INTEGER NOT NULL,
                      assistant_id INTEGER,
                      provider TEXT NOT NULL,
                      from_number TEXT NOT NULL,
                      to_number TEXT NOT NULL,
                      body TEXT,
                      status TEXT NOT NULL,
                      provider_message_id TEXT,
                      error TEXT,
                      error_code TEXT,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      idempotency_key TEXT,
                      created_at TEXT NOT NULL,
                      updated_at TEXT NOT NULL,
                      revision INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX message_status_organization ON message_status (organization_id, updated_at);
                    """)
        }
    ]
}
