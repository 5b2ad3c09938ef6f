import SQLiteStore

/// session-manager's schema, in order. Each migration runs once per database file.
enum SessionManagerMigrations {
    static let all: [SQLiteMigration] = []
}
