import SQLiteStore

/// The sender's schema, in order. Each migration runs once per database file.
enum SenderMigrations {
    static let all: [SQLiteMigration] = []
}
