import Dispatch
import Foundation
import GRDB
import SQLiteStore
import Testing

@Suite struct SQLiteDatabaseTests {
    private struct MigrationFailed: Error {}

    private let logger = makeTestLogger()

    /// A migration that creates `table` and records `name` in the `migration_log` table.
    private func loggingMigration(_ name: String, creating table: String) -> SQLiteMigration {
        SQLiteMigration(name) { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS migration_log (name TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO migration_log (name) VALUES (?)", arguments: [name])
            try db.execute(sql: "CREATE TABLE \(table) (id INTEGER PRIMARY KEY)")
        }
    }

    @Test func openingAFileCreatesItAndMissingParentDirectoriesInWALMode() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("nested/deeper/store.sqlite")

        let database = try SQLiteDatabase(location: .file(path), migrations: [], logger: logger)

        #expect(FileManager.default.fileExists(atPath: path))
        #expect(database.location == .file(path))
        #expect(database.writer is DatabasePool)
        let journalMode = try await database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
    }

    @Test func inMemoryDatabaseStoresAndReadsRows() async throws {
        let database = try SQLiteDatabase(
            location: .memory,
            migrations: [SQLiteMigration("notes") { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }],
            logger: logger
        )

        try await database.write { db in try db.execute(sql: "INSERT INTO notes (body) VALUES ('hello')") }
        let body = try await database.read { db in try String.fetchOne(db, sql: "SELECT body FROM notes") }

        #expect(database.writer is DatabaseQueue)
        #expect(body == "hello")
        try await database.checkReachable()
    }

    @Test func migrationsRunOnceEachInOrderAndReopeningRunsOnlyNewOnes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("store.sqlite")
        let first = [loggingMigration("v1", creating: "a"), loggingMigration("v2", creating: "b")]

        let opened = try SQLiteDatabase(location: .file(path), migrations: first, logger: logger)
        #expect(try await opened.appliedMigrations() == ["v1", "v2"])

        let reopened = try SQLiteDatabase(
            location: .file(path),
            migrations: first + [loggingMigration("v3", creating: "c")],
            logger: logger
        )
        let log = try await reopened.read { db in try String.fetchAll(db, sql: "SELECT name FROM migration_log ORDER BY rowid") }

        #expect(log == ["v1", "v2", "v3"])
        #expect(try await reopened.appliedMigrations() == ["v1", "v2", "v3"])
    }

    @Test func throwingMigrationRollsBackAndFailsOpening() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("store.sqlite")
        let good = loggingMigration("v1", creating: "a")
        let bad = SQLiteMigration("v2") { db in
            try db.execute(sql: "CREATE TABLE b (id INTEGER PRIMARY KEY)")
            throw MigrationFailed()
        }

        #expect(throws: MigrationFailed.self) {
            try SQLiteDatabase(location: .file(path), migrations: [good, bad], logger: self.logger)
        }

        let database = try SQLiteDatabase(location: .file(path), migrations: [good], logger: logger)
        let tables = try await database.read { db in try ["a", "b"].filter { try db.tableExists($0) } }
        #expect(tables == ["a"])
        #expect(try await database.appliedMigrations() == ["v1"])
    }

    @Test func duplicateMigrationIdentifiersFailOpening() throws {
        let migration = loggingMigration("v1", creating: "a")

        #expect {
            try SQLiteDatabase(location: .memory, migrations: [migration, migration], logger: self.logger)
        } throws: { error in
            guard case SQLiteStoreError.duplicateMigration(identifier: "v1") = error else { return false }
            return true
        }
    }

    @Test func openingBelowARegularFileFailsWithCannotOpen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let blocker = directory.path("not-a-directory")
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))

        #expect {
            try SQLiteDatabase(location: .file(blocker + "/store.sqlite"), migrations: [], logger: self.logger)
        } throws: { error in
            guard case SQLiteStoreError.cannotOpen(let path, _) = error else { return false }
            return path == blocker + "/store.sqlite"
        }
    }

    @Test func readProceedsWhileAWriteTransactionIsHeldOpen() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try SQLiteDatabase(
            location: .file(directory.path("store.sqlite")),
            migrations: [SQLiteMigration("numbers") { db in try db.execute(sql: "CREATE TABLE numbers (n INTEGER)") }],
            logger: logger
        )
        try await database.write { db in try db.execute(sql: "INSERT INTO numbers (n) VALUES (1)") }

        let (writeStarted, writeStartedContinuation) = AsyncStream.makeStream(of: Void.self)
        let releaseWrite = DispatchSemaphore(value: 0)
        async let heldWrite: DispatchTimeoutResult = database.write { db in
            try db.execute(sql: "INSERT INTO numbers (n) VALUES (2)")
            writeStartedContinuation.yield()
            // Blocks GRDB's writer queue, not the cooperative pool; the timeout only guards against a hang.
            return releaseWrite.wait(timeout: .now() + 10)
        }
        for await _ in writeStarted { break }

        let countDuringWrite = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM numbers") }
        releaseWrite.signal()

        #expect(countDuringWrite == 1)
        #expect(try await heldWrite == .success)
        let countAfterWrite = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM numbers") }
        #expect(countAfterWrite == 2)
    }

    @Test func busyTimeoutIsAppliedToTheWriter() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configured = try SQLiteDatabase(
            location: .file(directory.path("store.sqlite")),
            migrations: [],
            busyTimeout: .milliseconds(1500),
            logger: logger
        )
        let defaulted = try SQLiteDatabase(location: .memory, migrations: [], logger: logger)

        let configuredTimeout = try await configured.write { db in try Int.fetchOne(db, sql: "PRAGMA busy_timeout") }
        let defaultTimeout = try await defaulted.write { db in try Int.fetchOne(db, sql: "PRAGMA busy_timeout") }

        #expect(configuredTimeout == 1500)
        #expect(defaultTimeout == 5000)
    }

    @Test func foreignKeysAreEnforced() async throws {
        let database = try SQLiteDatabase(
            location: .memory,
            migrations: [
                SQLiteMigration("schema") { db in
                    try db.execute(sql: "CREATE TABLE parent (id INTEGER PRIMARY KEY)")
                    try db.execute(sql: "CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id))")
                }
            ],
            logger: logger
        )

        await #expect(throws: DatabaseError.self) {
            try await database.write { db in try db.execute(sql: "INSERT INTO child (parent_id) VALUES (42)") }
        }
        let enabled = try await database.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(enabled == true)
    }

    @Test func writeRollsBackWhenItsBlockThrows() async throws {
        let database = try SQLiteDatabase(
            location: .memory,
            migrations: [SQLiteMigration("numbers") { db in try db.execute(sql: "CREATE TABLE numbers (n INTEGER)") }],
            logger: logger
        )

        await #expect(throws: MigrationFailed.self) {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO numbers (n) VALUES (1)")
                throw MigrationFailed()
            }
        }
        let count = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM numbers") }
        #expect(count == 0)
    }

    @Test func fts5MatchFindsAnInsertedRow() async throws {
        let database = try SQLiteDatabase(
            location: .memory,
            migrations: [
                SQLiteMigration("search") { db in try db.execute(sql: "CREATE VIRTUAL TABLE messages USING fts5(body)") }
            ],
            logger: logger
        )

        try await database.write { db in
            try db.execute(sql: "INSERT INTO messages (body) VALUES ('your verification code is 1234')")
            try db.execute(sql: "INSERT INTO messages (body) VALUES ('see you at noon')")
        }
        let found = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM messages WHERE messages MATCH ?", arguments: ["verification"])
        }

        #expect(found == ["your verification code is 1234"])
    }
}
