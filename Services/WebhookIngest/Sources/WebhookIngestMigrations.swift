import GRDB
import SQLiteStore

/// webhook-ingest's schema, in order. Each migration runs once per database file.
enum WebhookIngestMigrations {
    static let all: [SQLiteMigration] = [
        SQLiteMigration("v1-request-archive") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_requests (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        received_at DOUBLE NOT NULL,
                        provider TEXT NOT NULL,
                        method TEXT NOT NULL,
                        path TEXT NOT NULL,
                        query TEXT,
                        headers TEXT NOT NULL,
                        body BLOB,
                        outcome TEXT NOT NULL,
                        status_code INTEGER NOT NULL,
                        detail TEXT,
                        organization_id INTEGER,
                        provider_message_id TEXT
                    );
                    CREATE INDEX webhook_requests_received ON webhook_requests(received_at);
                    CREATE INDEX webhook_requests_message ON webhook_requests(provider, provider_message_id);
                    """)
        }
    ]
}
