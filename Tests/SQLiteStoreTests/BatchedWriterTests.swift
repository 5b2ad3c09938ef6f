import Dispatch
import GRDB
import Logging
import SQLiteStore
import ServiceLifecycle
import Testing

@Suite struct BatchedWriterTests {
    private struct PoisonedBatch: Error {}

    private let logger = makeTestLogger()

    /// An in-memory database with `items (value)` and `batches (size)`, one row per transaction.
    private func makeDatabase() throws -> SQLiteDatabase {
        try SQLiteDatabase(
            location: .memory,
            migrations: [
                SQLiteMigration("schema") { db in
                    try db.execute(sql: "CREATE TABLE items (value INTEGER NOT NULL)")
                    try db.execute(sql: "CREATE TABLE batches (size INTEGER NOT NULL)")
                }
            ],
            logger: logger
        )
    }

    /// Stores the values and the batch size; throws on a negative value, after inserting, so the
    /// rollback is exercised.
    private static func insert(_ db: Database, _ values: [Int]) throws {
        for value in values {
            try db.execute(sql: "INSERT INTO items (value) VALUES (?)", arguments: [value])
        }
        try db.execute(sql: "INSERT INTO batches (size) VALUES (?)", arguments: [values.count])
        if values.contains(where: { $0 < 0 }) {
            throw PoisonedBatch()
        }
    }

    /// Runs `writer` in a ServiceGroup around `body`, then shuts the group down gracefully.
    private func withRunning<Item>(_ writer: BatchedWriter<Item>, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(services: [writer], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 10 s")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    private func values(in database: SQLiteDatabase) async throws -> [Int] {
        try await database.read { db in try Int.fetchAll(db, sql: "SELECT value FROM items ORDER BY value") }
    }

    private func batchSizes(in database: SQLiteDatabase) async throws -> [Int] {
        try await database.read { db in try Int.fetchAll(db, sql: "SELECT size FROM batches ORDER BY rowid") }
    }

    @Test func groupsManyConcurrentSubmitsIntoFewTransactions() async throws {
        let database = try makeDatabase()
        let writer = BatchedWriter<Int>(database: database, logger: logger, apply: Self.insert)

        try await withRunning(writer) {
            try await withThrowingTaskGroup(of: Void.self) { submitters in
                for value in 0..<1_000 {
                    submitters.addTask { try await writer.submit(value) }
                }
                try await submitters.waitForAll()
            }
        }

        #expect(writer.transactionsCommitted < 100)
        #expect(try await values(in: database) == Array(0..<1_000))
    }

    @Test(.timeLimit(.minutes(1)))
    func fullBatchIsWrittenWithoutWaitingForTheDelay() async throws {
        let database = try makeDatabase()
        let writer = BatchedWriter<Int>(
            database: database,
            maxBatchSize: 3,
            maxDelay: .seconds(3600),
            logger: logger,
            apply: Self.insert
        )

        try await withRunning(writer) {
            async let pair: Void = writer.submit(contentsOf: [1, 2])
            async let single: Void = writer.submit(3)
            _ = try await (pair, single)
        }

        #expect(try await batchSizes(in: database) == [3])
    }

    @Test func batchIsWrittenOnceTheDelayHasPassed() async throws {
        let database = try makeDatabase()
        let writer = BatchedWriter<Int>(
            database: database,
            maxBatchSize: 100,
            maxDelay: .milliseconds(20),
            logger: logger,
            apply: Self.insert
        )

        try await withRunning(writer) {
            let clock = ContinuousClock()
            let elapsed = try await clock.measure { try await writer.submit(7) }
            #expect(elapsed >= .milliseconds(20))
            #expect(writer.transactionsCommitted == 1)
        }

        #expect(try await values(in: database) == [7])
    }

    @Test(.timeLimit(.minutes(1)))
    func failingApplyFailsOnlyTheSubmittersOfItsBatch() async throws {
        let database = try makeDatabase()
        let writer = BatchedWriter<Int>(
            database: database,
            maxBatchSize: 4,
            maxDelay: .seconds(3600),
            logger: logger,
            apply: Self.insert
        )

        try await withRunning(writer) {
            let poisoned = await withTaskGroup(of: (any Error)?.self) { submitters in
                for value in [1, 2, 3, -1] {
                    submitters.addTask {
                        do {
                            try await writer.submit(value)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await submitters.reduce(into: [(any Error)?]()) { $0.append($1) }
            }
            #expect(poisoned.count == 4)
            #expect(poisoned.allSatisfy { $0 is PoisonedBatch })

            try await withThrowingTaskGroup(of: Void.self) { submitters in
                for value in [5, 6, 7, 8] {
                    submitters.addTask { try await writer.submit(value) }
                }
                try await submitters.waitForAll()
            }
        }

        #expect(writer.transactionsCommitted == 1)
        #expect(try await values(in: database) == [5, 6, 7, 8])
        #expect(try await batchSizes(in: database) == [4])
    }

    @Test(.timeLimit(.minutes(1)))
    func itemsSubmittedDuringATransactionGoIntoTheNextBatch() async throws {
        let database = try makeDatabase()
        let (firstBatchStarted, firstBatchStartedContinuation) = AsyncStream.makeStream(of: Void.self)
        let releaseFirstBatch = DispatchSemaphore(value: 0)
        let writer = BatchedWriter<Int>(
            database: database,
            maxBatchSize: 100,
            maxDelay: .milliseconds(1),
            logger: logger
        ) { db, values in
            try Self.insert(db, values)
            if values == [0] {
                firstBatchStartedContinuation.yield()
                // Holds the transaction open on GRDB's writer queue; the timeout only guards against a hang.
                _ = releaseFirstBatch.wait(timeout: .now() + 10)
            }
        }

        try await withRunning(writer) {
            try await withThrowingTaskGroup(of: Void.self) { submitters in
                submitters.addTask { try await writer.submit(0) }
                for await _ in firstBatchStarted { break }
                for value in 1...3 {
                    submitters.addTask { try await writer.submit(value) }
                }
                try await waitUntil { writer.pendingItemCount == 3 }
                releaseFirstBatch.signal()
                try await submitters.waitForAll()
            }
        }

        #expect(try await batchSizes(in: database) == [1, 3])
        #expect(writer.transactionsCommitted == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func gracefulShutdownFlushesPendingItemsAndRefusesNewOnes() async throws {
        let database = try makeDatabase()
        let writer = BatchedWriter<Int>(
            database: database,
            maxBatchSize: 1_000,
            maxDelay: .seconds(3600),
            logger: logger,
            apply: Self.insert
        )
        let group = ServiceGroup(services: [writer], logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for value in 1...5 {
                tasks.addTask { try await writer.submit(value) }
            }
            try await waitUntil { writer.pendingItemCount == 5 }
            #expect(writer.transactionsCommitted == 0)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        #expect(try await values(in: database) == [1, 2, 3, 4, 5])
        #expect(writer.transactionsCommitted == 1)
        await #expect {
            try await writer.submit(6)
        } throws: { error in
            guard case SQLiteStoreError.writerStopped = error else { return false }
            return true
        }
        await #expect {
            try await writer.run()
        } throws: { error in
            guard case SQLiteStoreError.writerAlreadyStarted = error else { return false }
            return true
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingRunFailsPendingSubmitters() async throws {
        let database = try makeDatabase()
        let writer = BatchedWriter<Int>(
            database: database,
            maxDelay: .seconds(3600),
            logger: logger,
            apply: Self.insert
        )

        let running = Task { try await writer.run() }
        let submitted = Task { try await writer.submit(1) }
        try await waitUntil { writer.pendingItemCount == 1 }
        running.cancel()

        await #expect(throws: CancellationError.self) { try await submitted.value }
        try await running.value
        await #expect(throws: SQLiteStoreError.self) { try await writer.submit(2) }
        #expect(try await values(in: database) == [])
    }
}
