import SQLiteStore

/// log-indexer's schema, in order. Each migration runs once per database file.
enum LogIndexerMigrations {
    static let all: [SQLiteMigration] = []
}
