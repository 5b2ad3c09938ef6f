import Foundation
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import Synchronization
import WireModels

/// Reads `sms:events` with the consumer group `log-indexer` and hands the events to the
/// `BatchedWriter`; an entry is acknowledged only once its batch has committed.
///
/// Several workers read concurrently, each as a consumer of its own (`<name>-<n>`), so their
/// batches share the writer's transactions. Entries left pending by a process that died are
/// claimed with `XAUTOCLAIM` at start and then every `claimIdle`; a worker whose batch failed to
/// commit re-reads its own pending entries before reading new ones. Malformed entries are logged
/// and acknowledged.
package final class LogEventConsumer: Service, Sendable {
    private let redis: RedisClient
    private let writer: BatchedWriter<IndexedEvent>
    private let logger: Logger
    private let consumerName: String
    private let workerCount: Int
    private let readCount: Int
    private let readBlock: Duration
    private let claimIdle: Duration
    private let stopping = Atomic(false)
    private let processed = Atomic(0)

    /// - Parameters:
    ///   - redis: a client of this consumer's own (blocking reads hold its connections), with a
    ///     pool of at least `workerCount + 1`.
    ///   - consumerName: unique per process, so a restarted process can claim what its
    ///     predecessor left pending.
    package init(
        redis: RedisClient, writer: BatchedWriter<IndexedEvent>, logger: Logger, consumerName: String, workerCount: Int,
        readCount: Int, readBlock: Duration, claimIdle: Duration
    ) {
        self.redis = redis
        self.writer = writer
        self.logger = logger
        self.consumerName = consumerName
        self.workerCount = workerCount
        self.readCount = readCount
        self.readBlock = readBlock
        self.claimIdle = claimIdle
    }

    /// Entries handled (indexed or dropped as malformed) since start.
    package var processedCount: Int { processed.load(ordering: .relaxed) }

    package func run() async throws {
        await withGracefulShutdownHandler {
            guard await createGroup() else { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.claimLoop() }
                for worker in 0..<self.workerCount {
                    group.addTask { await self.readLoop(consumer: "\(self.consumerName)-\(worker)") }
                }
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
        }
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Creates the group (from the start of the stream), retrying while Redis is unreachable.
    private func createGroup() async -> Bool {
        while !isStopping {
            do {
                try await redis.xgroupCreate(RedisKey.events, group: RedisKey.logIndexerGroup, startID: "0")
                return true
            } catch {
                logger.warning("cannot create consumer group; retrying", metadata: ["sb.error": "\(error)"])
                await pause(.seconds(1))
            }
        }
        return false
    }

    private func readLoop(consumer: String) async {
        // Start with this consumer's own pending entries (none for a fresh name), then new ones.
        var readPending = true
        var failures = 0
        while !isStopping {
            do {
                let entries = try await redis.xreadgroup(
                    group: RedisKey.logIndexerGroup, consumer: consumer, streams: [RedisKey.events], count: readCount,
                    block: readPending ? nil : readBlock, ids: readPending ? ["0"] : nil)
                if readPending && entries.isEmpty {
                    readPending = false
                    continue
                }
                // A batch that keeps failing is retried entry by entry, so one bad event cannot
                // hold back the others.
                try await handle(entries, oneByOne: failures >= Self.attemptsBeforeSplitting)
                failures = 0
            } catch {
                logger.error("reading or indexing events failed", metadata: ["sb.consumer": "\(consumer)", "sb.error": "\(error)"])
                failures += 1
                readPending = true
                await pause(.seconds(1))
            }
        }
    }

    private static let attemptsBeforeSplitting = 3

    /// Claims entries that another (dead) consumer left pending, at start and every `claimIdle`.
    private func claimLoop() async {
        let claimer = "\(consumerName)-0"
        while !isStopping {
            var start = "0-0"
            do {
                repeat {
                    let result = try await redis.xautoclaim(
                        RedisKey.events, group: RedisKey.logIndexerGroup, consumer: claimer, minIdle: claimIdle, start: start,
                        count: readCount)
                    if !result.entries.isEmpty {
                        logger.info("claimed stale pending events", metadata: ["sb.count": "\(result.entries.count)"])
                        do {
                            try await handle(result.entries)
                        } catch {
                            // These entries failed before (they were left pending): split at once.
                            try await handleOneByOne(result.entries)
                        }
                    }
                    start = result.nextStart
                } while start != "0-0" && !isStopping
            } catch {
                logger.error("claiming pending events failed", metadata: ["sb.error": "\(error)"])
            }
            await pause(claimIdle)
        }
    }

    /// Indexes the entries one at a time, each acknowledged once stored; an entry that still
    /// cannot be stored is logged and acknowledged (dropped) so it never blocks the stream.
    private func handleOneByOne(_ entries: [RedisStreamEntry]) async throws {
        for entry in entries {
            do {
                try await handle([entry], oneByOne: false)
            } catch SQLiteStoreError.writerStopped {
                throw SQLiteStoreError.writerStopped
            } catch {
                logger.error("event dropped after repeated failures", metadata: ["sb.entry_id": "\(entry.id)", "sb.error": "\(error)"])
                _ = try await redis.xack(RedisKey.events, group: RedisKey.logIndexerGroup, ids: [entry.id])
            }
        }
    }

    /// Indexes the entries in one transaction, then acknowledges them all.
    private func handle(_ entries: [RedisStreamEntry], oneByOne: Bool = false) async throws {
        if oneByOne && entries.count > 0 {
            try await handleOneByOne(entries)
            return
        }
        guard !entries.isEmpty else { return }
        var events: [IndexedEvent] = []
        events.reserveCapacity(entries.count)
        for entry in entries {
            guard let payload = entry.fields[RedisKey.payloadField], let event = IndexedEvent.decode(payload) else {
                logger.warning("malformed event skipped", metadata: ["sb.entry_id": "\(entry.id)"])
                continue
            }
            events.append(event)
        }
        try await writer.submit(contentsOf: events)
        _ = try await redis.xack(RedisKey.events, group: RedisKey.logIndexerGroup, ids: entries.map(\.id))
        processed.add(entries.count, ordering: .relaxed)
    }

    /// Sleeps up to `duration`, waking early on shutdown.
    private func pause(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while !isStopping && ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(200), deadline - ContinuousClock.now))
        }
    }
}
