import SQLiteStore

/// webhook-ingest's schema, in order. Each migration runs once per database file.
enum WebhookIngestMigrations {
    static let all: [SQLiteMigration] = []
}
