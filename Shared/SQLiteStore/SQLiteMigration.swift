import GRDB

/// One step of a database schema, applied once per database file.
///
/// Migrations run in the order they are given to ``SQLiteDatabase/init(location:migrations:busyTimeout:logger:)``,
/// each in its own transaction. Their identifiers are recorded in the database, so a migration
/// never runs twice; ship new schema changes as new migrations, never by editing old ones.
package struct SQLiteMigration: Sendable {
    /// The name recorded in the database once the migration has run, such as `"v1-create-sms-log"`.
    package let identifier: String
    /// The schema change, run inside a transaction that rolls back if it throws.
    package let migrate: @Sendable (Database) throws -> Void

    /// Creates a migration named `identifier` that runs `migrate`.
    package init(_ identifier: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}
