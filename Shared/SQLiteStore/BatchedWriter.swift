import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// Groups many small writes from stream consumers into one transaction.
///
/// Consumers call ``submit(_:)`` for each item and get control back once the transaction holding
/// it has committed, so they can acknowledge the message afterwards. ``run()`` writes a batch when
/// it holds `maxBatchSize` items or when `maxDelay` has passed since its first item, whichever
/// comes first; items submitted while a transaction is in flight go into the next one. The items
/// of one `submit` call always share a transaction, even when they outnumber `maxBatchSize`.
///
/// A swift-service-lifecycle `Service`: items submitted before ``run()`` starts wait for it. On
/// graceful shutdown the writer refuses new items with ``SQLiteStoreError/writerStopped``,
/// writes what is pending and returns; list it before its consumers in the `ServiceGroup` so that
/// they stop first. If `run()` is cancelled instead, pending submitters get a `CancellationError`.
package final class BatchedWriter<Item: Sendable>: Service, Sendable {
    private let database: SQLiteDatabase
    private let maxBatchSize: Int
    private let maxDelay: Duration
    private let logger: Logger
    private let apply: @Sendable (Database, [Item]) throws -> Void
    private let state = Mutex(State())

    /// Creates a writer that stores batches in `database` with `apply`.
    ///
    /// - Parameters:
    ///   - database: Where batches are written.
    ///   - maxBatchSize: The number of items that makes a batch due at once; at least 1.
    ///   - maxDelay: How long the first item of a batch waits for others to join it.
    ///   - logger: Where to log; label it `switchboard.sqlite`.
    ///   - apply: Writes a batch, inside a transaction. If it throws, the transaction rolls back and
    ///     every submitter of that batch gets the error; later batches are unaffected.
    package init(
        database: SQLiteDatabase,
        maxBatchSize: Int = 500,
        maxDelay: Duration = .milliseconds(5),
        logger: Logger,
        apply: @escaping @Sendable (Database, [Item]) throws -> Void
    ) {
        precondition(maxBatchSize >= 1, "maxBatchSize must be at least 1")
        self.database = database
        self.maxBatchSize = maxBatchSize
        self.maxDelay = maxDelay
        self.logger = logger
        self.apply = apply
    }

    /// The number of batches committed so far.
    package var transactionsCommitted: Int {
        state.withLock { $0.transactionsCommitted }
    }

    /// The number of items waiting for a transaction, not counting those being written.
    package var pendingItemCount: Int {
        state.withLock { $0.pendingItemCount }
    }

    /// Queues `item` and returns once the transaction holding it has committed.
    ///
    /// The item is not withdrawn if the calling task is cancelled: the call still waits for its
    /// transaction, which keeps "returned" meaning "stored".
    /// - Throws: The error of the batch's transaction, or ``SQLiteStoreError/writerStopped``.
    package func submit(_ item: Item) async throws {
        try await submit(contentsOf: [item])
    }

    /// Queues `items`, all in the same transaction, and returns once it has committed.
    ///
    /// - Throws: The error of the batch's transaction, or ``SQLiteStoreError/writerStopped``.
    package func submit(contentsOf items: [Item]) async throws {
        guard !items.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let submission = Submission(items: items, enqueuedAt: .now, continuation: continuation)
            let outcome = state.withLock { $0.enqueue(submission, maxBatchSize: maxBatchSize) }
            switch outcome {
            case .rejected:
                continuation.resume(throwing: SQLiteStoreError.writerStopped)
            case .enqueued(let wakeUp):
                wakeUp?.resume()
            }
        }
    }

    /// Writes batches until graceful shutdown, then writes the remaining items and returns.
    ///
    /// - Throws: ``SQLiteStoreError/writerAlreadyStarted`` when called a second time.
    package func run() async throws {
        try state.withLock { try $0.start() }
        logger.debug("batched writer started")
        await withGracefulShutdownHandler {
            await writeBatches()
        } onGracefulShutdown: {
            self.state.withLock { $0.beginDraining() }?.resume()
        }
        logger.debug("batched writer stopped")
    }

    // MARK: Loop

    private func writeBatches() async {
        while true {
            if Task.isCancelled {
                let abandoned = state.withLock { $0.stop() }
                if !abandoned.isEmpty {
                    let itemCount = abandoned.reduce(0) { $0 + $1.items.count }
                    logger.warning("batched writer cancelled with pending items", metadata: ["sb.item_count": "\(itemCount)"])
                }
                for submission in abandoned {
                    submission.continuation.resume(throwing: CancellationError())
                }
                return
            }
            let step = state.withLock { $0.nextStep(now: .now, maxBatchSize: maxBatchSize, maxDelay: maxDelay) }
            switch step {
            case .write(let batch):
                await write(batch)
            case .wait(let deadline):
                await waitForWakeUp(until: deadline)
            case .finished:
                return
            }
        }
    }

    private func write(_ batch: [Submission]) async {
        let items = batch.flatMap(\.items)
        do {
            try await database.write { [apply] db in try apply(db, items) }
            state.withLock { $0.transactionsCommitted += 1 }
            logger.trace("batch committed", metadata: ["sb.batch_size": "\(items.count)"])
            for submission in batch {
                submission.continuation.resume()
            }
        } catch {
            logger.error("batch write failed", metadata: ["sb.batch_size": "\(items.count)", "sb.error": "\(error)"])
            for submission in batch {
                submission.continuation.resume(throwing: error)
            }
        }
    }

    /// Suspends until a submission or shutdown may have made a batch due, or until `deadline`.
    private func waitForWakeUp(until deadline: ContinuousClock.Instant?) async {
        guard let deadline else {
            await waitForSignal()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { $0.park(continuation, isCancelled: Task.isCancelled) }
                if resumeNow {
                    continuation.resume()
                }
            }
        } onCancel: {
            self.state.withLock { $0.unpark() }?.resume()
        }
    }
}

// MARK: State

extension BatchedWriter {
    /// One `submit` call: its items and the caller waiting for their transaction.
    private struct Submission: Sendable {
        var items: [Item]
        var enqueuedAt: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private enum Lifecycle {
        case idle, running, draining, stopped
    }

    private enum EnqueueOutcome {
        case rejected
        /// Queued; resume the continuation, if any, to let the loop look at the new item.
        case enqueued(wakeUp: CheckedContinuation<Void, Never>?)
    }

    private enum Step {
        case write([Submission])
        /// Nothing is due: wait for a signal, or until the instant the oldest pending item is due.
        case wait(until: ContinuousClock.Instant?)
        case finished
    }

    /// Everything the submitters and the loop share, guarded by one mutex.
    private struct State {
        var lifecycle = Lifecycle.idle
        var pending: [Submission] = []
        var pendingItemCount = 0
        var transactionsCommitted = 0
        /// The loop, suspended until something changes.
        var parked: CheckedContinuation<Void, Never>?
        /// A change happened while the loop was not parked; it must look again before parking.
        var wakeRequested = false

        mutating func start() throws {
            guard case .idle = lifecycle else { throw SQLiteStoreError.writerAlreadyStarted }
            lifecycle = .running
        }

        mutating func enqueue(_ submission: Submission, maxBatchSize: Int) -> EnqueueOutcome {
            switch lifecycle {
            case .draining, .stopped:
                return .rejected
            case .idle, .running:
                let wasEmpty = pending.isEmpty
                pending.append(submission)
                pendingItemCount += submission.items.count
                // Other arrivals leave the loop's current deadline valid; no need to wake it.
                guard wasEmpty || pendingItemCount >= maxBatchSize else { return .enqueued(wakeUp: nil) }
                return .enqueued(wakeUp: wake())
            }
        }

        mutating func beginDraining() -> CheckedContinuation<Void, Never>? {
            guard case .running = lifecycle else { return nil }
            lifecycle = .draining
            return wake()
        }

        /// Refuses further items and hands back the ones that will not be written.
        mutating func stop() -> [Submission] {
            lifecycle = .stopped
            defer {
                pending = []
                pendingItemCount = 0
            }
            return pending
        }

        mutating func nextStep(now: ContinuousClock.Instant, maxBatchSize: Int, maxDelay: Duration) -> Step {
            wakeRequested = false
            guard let oldest = pending.first else {
                if case .draining = lifecycle {
                    lifecycle = .stopped
                    return .finished
                }
                return .wait(until: nil)
            }
            let due = oldest.enqueuedAt + maxDelay
            if case .draining = lifecycle {
                return .write(takeBatch(maxBatchSize: maxBatchSize))
            }
            if pendingItemCount >= maxBatchSize || now >= due {
                return .write(takeBatch(maxBatchSize: maxBatchSize))
            }
            return .wait(until: due)
        }

        /// Returns true when the loop should not suspend, because of an earlier change or cancellation.
        mutating func park(_ continuation: CheckedContinuation<Void, Never>, isCancelled: Bool) -> Bool {
            if wakeRequested || isCancelled {
                wakeRequested = false
                return true
            }
            parked = continuation
            return false
        }

        mutating func unpark() -> CheckedContinuation<Void, Never>? {
            defer { parked = nil }
            return parked
        }

        private mutating func wake() -> CheckedContinuation<Void, Never>? {
            guard let continuation = parked else {
                wakeRequested = true
                return nil
            }
            parked = nil
            return continuation
        }

        /// Takes whole submissions from the front, up to `maxBatchSize` items but at least one submission.
        private mutating func takeBatch(maxBatchSize: Int) -> [Submission] {
            var end = 0
            var itemCount = 0
            while end < pending.count,
                itemCount == 0 || itemCount + pending[end].items.count <= maxBatchSize
            {
                itemCount += pending[end].items.count
                end += 1
            }
            let batch = Array(pending[..<end])
            pending.removeFirst(end)
            pendingItemCount -= itemCount
            return batch
        }
    }
}
