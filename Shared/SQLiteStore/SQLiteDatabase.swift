import Foundation
import GRDB
import Logging

/// A SQLite database opened through GRDB, with the settings every Switchboard database shares.
///
/// A file database is a WAL-mode `DatabasePool`: reads run on their own connections and see the
/// last committed data while a write is in progress. An in-memory database is a `DatabaseQueue`,
/// private to this instance. Both have foreign keys on and a busy timeout, and are migrated
/// before the initializer returns.
///
/// ``read(_:)`` and ``write(_:)`` run their blocks on GRDB's own dispatch queues, never on
/// Swift's cooperative pool. The initializer itself opens the file and runs migrations on the
/// calling thread: call it once at start-up, before the services run.
package final class SQLiteDatabase: Sendable {
    /// Where a database lives.
    package enum Location: Sendable, Equatable {
        /// A file at this path; missing parent directories and the file itself are created.
        case file(String)
        /// A private in-memory database, gone when the ``SQLiteDatabase`` is released.
        case memory
    }

    /// The GRDB connection: a `DatabasePool` for a file, a `DatabaseQueue` in memory.
    package let writer: any DatabaseWriter
    /// Where this database lives.
    package let location: Location

    private let migrator: DatabaseMigrator

    /// Opens the database at `location` and applies the migrations it has not run yet.
    ///
    /// - Parameters:
    ///   - location: A file path, or memory.
    ///   - migrations: Every migration of this database, oldest first. Each identifier runs once
    ///     per database, in its own transaction.
    ///   - busyTimeout: How long a statement waits for a lock held by another connection or
    ///     process before failing with `SQLITE_BUSY`.
    ///   - logger: Where to log; label it `switchboard.sqlite`.
    /// - Throws: ``SQLiteStoreError/cannotOpen(path:reason:)`` when the database cannot be opened,
    ///   ``SQLiteStoreError/duplicateMigration(identifier:)`` for a repeated identifier, and the
    ///   error of the first migration that throws (that migration is rolled back; the ones before
    ///   it stay applied).
    package init(
        location: Location,
        migrations: [SQLiteMigration],
        busyTimeout: Duration = .seconds(5),
        logger: Logger
    ) throws {
        var logger = logger
        logger[metadataKey: "sb.database"] = "\(location.logDescription)"

        var configuration = Configuration()
        configuration.label = "switchboard.sqlite"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout.timeInterval)

        self.location = location
        self.writer = try Self.open(location, configuration: configuration)
        self.migrator = try Self.makeMigrator(migrations, logger: logger)
        try migrator.migrate(writer)

        let superseded = try writer.read { [migrator] db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            // A newer build migrated this file; this one may not understand its schema.
            logger.warning("database has migrations unknown to this build")
        }
        logger.info("database opened", metadata: ["sb.migration_count": "\(migrations.count)"])
    }

    /// Runs `block` on a read-only connection and returns its result.
    ///
    /// On a file database reads run concurrently with each other and with a write, and see the
    /// data committed when the read began.
    package func read<T: Sendable>(_ block: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(block)
    }

    /// Runs `block` in one write transaction: committed if it returns, rolled back if it throws
    /// (the error is rethrown). Writes are serialized.
    package func write<T: Sendable>(_ block: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(block)
    }

    /// Throws unless the database answers a trivial query; for `GET /ready`.
    package func checkReachable() async throws {
        _ = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// The identifiers of the applied migrations, in the order they were given to the initializer.
    package func appliedMigrations() async throws -> [String] {
        try await writer.read { [migrator] db in try migrator.appliedMigrations(db) }
    }

    // MARK: Opening

    private static func open(_ location: Location, configuration: Configuration) throws -> any DatabaseWriter {
        switch location {
        case .memory:
            do {
                return try DatabaseQueue(configuration: configuration)
            } catch {
                throw SQLiteStoreError.cannotOpen(path: location.logDescription, reason: "\(error)")
            }
        case .file(let path):
            do {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                // DatabasePool creates the file and switches it to WAL mode.
                return try DatabasePool(path: path, configuration: configuration)
            } catch {
                throw SQLiteStoreError.cannotOpen(path: path, reason: "\(error)")
            }
        }
    }

    private static func makeMigrator(_ migrations: [SQLiteMigration], logger: Logger) throws -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        var identifiers = Set<String>()
        for migration in migrations {
            // GRDB traps on a repeated identifier; a thrown error reads better at start-up.
            guard identifiers.insert(migration.identifier).inserted else {
                throw SQLiteStoreError.duplicateMigration(identifier: migration.identifier)
            }
            migrator.registerMigration(migration.identifier) { db in
                logger.info("applying migration", metadata: ["sb.migration": "\(migration.identifier)"])
                do {
                    try migration.migrate(db)
                } catch {
                    logger.error(
                        "migration failed",
                        metadata: ["sb.migration": "\(migration.identifier)", "sb.error": "\(error)"]
                    )
                    throw error
                }
            }
        }
        return migrator
    }
}

extension SQLiteDatabase.Location {
    /// The path, or `:memory:`, for logs and errors.
    fileprivate var logDescription: String {
        switch self {
        case .file(let path): path
        case .memory: ":memory:"
        }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation and GRDB take it.
    fileprivate var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
