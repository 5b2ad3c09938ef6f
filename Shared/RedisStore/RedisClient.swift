import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A pooled, auto-pipelining Redis client on top of hiredis, and the `Service` that owns the
/// pool's lifetime.
///
/// hiredis is blocking, so no call ever runs on Swift's cooperative pool: the client owns an
/// `NIOThreadPool` of exactly ``RedisConfiguration/poolSize`` threads and as many connections.
///
/// **Auto-pipelining.** A call does not take a connection of its own. It joins a queue, and up
/// to `poolSize` *drain jobs* (one per connection) take what is queued, write it all in one go
/// and read the replies back in order, until the queue is empty. With one caller at a time this
/// is one call per round trip, as before; with many concurrent callers (a busy HTTP server) the
/// calls that arrive while the connections are busy share the next round trip: one `write`, one
/// `read` and one Redis event-loop pass (and, with `appendfsync always`, one fsync) for the whole
/// batch. This is what ioredis and Lettuce call auto-pipelining. A ``pipeline(_:)`` stays
/// contiguous inside a batch, so `MULTI`…`EXEC` in it is intact.
///
/// Connections open lazily, with `AUTH` and `SELECT` from the configuration. Before each use an
/// idle connection is checked (a non-blocking peek) for a socket the server has closed, and is
/// reopened if so; nothing has been sent at that point, so this is safe. A connection that breaks
/// while a batch is in flight fails every call of that batch with
/// ``RedisError/connectionLost(_:)`` and makes every other connection opened before the loss
/// reconnect before its next use, so a Redis restart costs at most about one failed batch. A
/// command that may have been sent is never retried.
///
/// Blocking stream reads (``xreadgroup(group:consumer:streams:count:block:ids:)`` with a `block`)
/// run alone on their connection and hold it, and its thread, for the whole block time. A
/// consumer loop that does blocking reads should therefore own its own `RedisClient` with a
/// `poolSize` of 1 or 2, so it never starves the client that serves requests.
///
/// As a `Service`, ``run()`` waits for graceful shutdown, then closes the connections and stops
/// the threads. Calls after that throw ``RedisError/shutdown``. Pass a logger labelled
/// `switchboard.redis`; the password never appears in its output.
package final class RedisClient: Sendable, Service {
    /// The configuration in use (with `poolSize` raised to at least 1).
    package let configuration: RedisConfiguration
    private let logger: Logger
    private let threadPool: NIOThreadPool
    /// Connections not in use by a drain job; every connection is here whenever no job runs.
    private let idleConnections: NIOLockedValueBox<[RedisConnection]>
    /// Calls waiting for a round trip, the number of drain jobs, and the lifecycle state.
    private let queue: NIOLockedValueBox<CallQueue>

    /// Calls made and round trips that carried them, since the client was created.
    private let counters = Counters()

    /// The most calls one round trip carries; a longer queue is split over several.
    static let maxBatchCalls = 512

    private enum State {
        /// No call yet: the threads are not started.
        case idle
        case running
        case shutDown
    }

    /// One caller's commands, waiting for a connection.
    private struct PendingCall: Sendable {
        var commands: [[String]]
        /// A socket timeout for this call only (a blocking read): such a call travels alone.
        var timeout: Duration?
        /// Set for an `EVALSHA`: on `NOSCRIPT` the script is loaded and the call run once more.
        var script: RedisScript?
        var continuation: CheckedContinuation<[RedisValue], any Error>
    }

    private struct CallQueue {
        var state = State.idle
        var pending: [PendingCall] = []
        /// Index of the first call in `pending` not yet taken (the array is compacted lazily).
        var head = 0
        var drainJobs = 0

        var isEmpty: Bool { head == pending.count }

        /// Takes the next batch: the calls up to the first one with its own timeout (or that one
        /// alone when it comes first), at most `maxBatchCalls`.
        mutating func takeBatch() -> [PendingCall] {
            guard !isEmpty else { return [] }
            if pending[head].timeout != nil {
                defer { advance(by: 1) }
                return [pending[head]]
            }
            var end = head
            while end < pending.count, end - head < RedisClient.maxBatchCalls, pending[end].timeout == nil { end += 1 }
            defer { advance(by: end - head) }
            return Array(pending[head..<end])
        }

        private mutating func advance(by count: Int) {
            head += count
            if head == pending.count {
                pending.removeAll(keepingCapacity: pending.capacity <= 4 * RedisClient.maxBatchCalls)
                head = 0
            } else if head >= 1024 {
                pending.removeFirst(head)
                head = 0
            }
        }

        mutating func takeAll() -> [PendingCall] {
            defer {
                pending.removeAll()
                head = 0
            }
            return Array(pending[head...])
        }
    }

    /// Creates a client; nothing connects until the first command.
    package init(configuration: RedisConfiguration, logger: Logger) {
        var configuration = configuration
        configuration.poolSize = max(1, configuration.poolSize)
        var logger = logger
        logger[metadataKey: "redis.server"] = "\(configuration.host):\(configuration.port)/\(configuration.database)"
        self.configuration = configuration
        self.logger = logger
        let generation = NIOLockedValueBox(0)
        self.idleConnections = NIOLockedValueBox(
            (0..<configuration.poolSize).map { _ in
                RedisConnection(configuration: configuration, generation: generation, logger: logger)
            }
        )
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.poolSize)
        self.queue = NIOLockedValueBox(CallQueue())
    }

    deinit {
        // Dropped without shutdown(): no job can be running (jobs retain self), so just let the
        // threads go. The connections close when the free list is released.
        let wasRunning = self.queue.withLockedValue { queue in
            defer { queue.state = .shutDown }
            return queue.state == .running
        }
        if wasRunning {
            self.threadPool.shutdownGracefully { _ in }
        }
    }

    // MARK: Service

    /// Waits for graceful shutdown (or cancellation), then calls ``shutdown()``.
    package func run() async throws {
        // Both graceful shutdown and cancellation end the wait; the pool is closed either way.
        try? await gracefulShutdown()
        await self.shutdown()
    }

    /// Stops accepting calls, lets running calls finish, then closes every connection and stops
    /// the threads. Idempotent. A blocking stream read in flight delays it by up to its block time.
    package func shutdown() async {
        let previous = self.queue.withLockedValue { queue in
            defer { queue.state = .shutDown }
            return queue.state
        }
        guard previous != .shutDown else { return }
        if previous == .running {
            // Drain jobs finish the calls already queued; this joins the threads, after which no
            // job holds a connection.
            try? await self.threadPool.shutdownGracefully()
        }
        // Nothing should be left, but never leave a caller suspended forever.
        for call in self.queue.withLockedValue({ $0.takeAll() }) {
            call.continuation.resume(throwing: RedisError.shutdown)
        }
        self.idleConnections.withLockedValue { connections in
            for connection in connections { connection.close() }
        }
        self.logger.info("redis client shut down")
    }

    // MARK: Commands

    /// Sends one command, for example `["SET", key, value]`, and returns its reply.
    ///
    /// Arguments are binary safe: spaces, newlines and any UTF-8 go through unchanged.
    /// - Throws: ``RedisError/server(_:)`` for an error reply; ``RedisError/connectionFailed(_:)``
    ///   or ``RedisError/connectionLost(_:)`` when Redis cannot be reached or the connection
    ///   breaks; ``RedisError/shutdown`` after ``shutdown()``.
    package func command(_ arguments: [String]) async throws -> RedisValue {
        try Self.throwingErrorReply(try await self.submit([arguments])[0])
    }

    /// Sends one command given as separate arguments: `command("INCR", key)`.
    /// Same behaviour as ``command(_:)-([String])``.
    package func command(_ arguments: String...) async throws -> RedisValue {
        try await self.command(arguments)
    }

    /// Sends all commands in one write on one connection and returns their replies in order.
    ///
    /// Error replies come back in place as ``RedisValue/error(_:)`` and do not stop the others.
    /// This is not a transaction: wrap the commands in `MULTI`/`EXEC` for that.
    /// - Throws: connection errors only; after ``RedisError/connectionLost(_:)`` any prefix of the
    ///   commands may have run.
    package func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await self.submit(commands)
    }

    /// Sends `PING` and checks for `PONG`; a readiness probe.
    package func ping() async throws {
        let reply = try await self.command("PING")
        guard reply.string == "PONG" else {
            throw RedisError.unexpectedReply("PING answered \(reply)")
        }
    }

    /// Runs a Lua script with `EVALSHA`. When the server does not know the script (`NOSCRIPT`,
    /// after a restart or `SCRIPT FLUSH`) it is run once more with `EVAL` and its source, on the
    /// same connection, which also caches it; `NOSCRIPT` means it did not run, so the retry is safe.
    /// - Throws: ``RedisError/server(_:)`` when the script fails or returns an error.
    package func eval(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisValue {
        let call = ["EVALSHA", script.sha1, String(keys.count)] + keys + arguments
        return try Self.throwingErrorReply(try await self.submit([call], script: script)[0])
    }

    // MARK: Pool

    /// How many calls (command, pipeline, script) this client has sent, and in how many round
    /// trips: the difference is what auto-pipelining saved.
    package var statistics: (calls: Int, roundTrips: Int) {
        (counters.calls.load(ordering: .relaxed), counters.roundTrips.load(ordering: .relaxed))
    }

    /// Queues `commands` for the next round trip and returns their replies, in order.
    ///
    /// - Parameters:
    ///   - timeout: a socket timeout for this call alone (a blocking read); the call then travels
    ///     in a round trip of its own.
    ///   - script: for a single `EVALSHA`, the script to load when the server answers `NOSCRIPT`.
    func submit(_ commands: [[String]], timeout: Duration? = nil, script: RedisScript? = nil) async throws -> [RedisValue] {
        try await withCheckedThrowingContinuation { continuation in
            let call = PendingCall(commands: commands, timeout: timeout, script: script, continuation: continuation)
            let startJob: Bool? = self.queue.withLockedValue { queue in
                switch queue.state {
                case .shutDown:
                    return nil
                case .idle:
                    self.threadPool.start()
                    queue.state = .running
                case .running:
                    break
                }
                queue.pending.append(call)
                guard queue.drainJobs < self.configuration.poolSize else { return false }
                queue.drainJobs += 1
                return true
            }
            switch startJob {
            case nil: continuation.resume(throwing: RedisError.shutdown)
            case true?: self.threadPool.submit { [self] state in self.drain(cancelled: state == .cancelled) }
            case false?: break
            }
        }
    }

    /// A drain job: takes a connection and runs batches from the queue until it is empty. When
    /// the pool is shutting down before the job started, fails what is queued instead.
    private func drain(cancelled: Bool) {
        if cancelled {
            let calls = self.queue.withLockedValue { queue in
                queue.drainJobs -= 1
                return queue.drainJobs == 0 ? queue.takeAll() : []
            }
            for call in calls { call.continuation.resume(throwing: RedisError.shutdown) }
            return
        }
        RedisConnection.blockSIGPIPEOnCurrentThread()
        guard let connection = self.idleConnections.withLockedValue({ $0.popLast() }) else {
            preconditionFailure("RedisClient: more drain jobs than pooled connections")
        }
        defer { self.idleConnections.withLockedValue { $0.append(connection) } }
        while true {
            let batch = self.queue.withLockedValue { queue in
                let batch = queue.takeBatch()
                if batch.isEmpty { queue.drainJobs -= 1 }
                return batch
            }
            if batch.isEmpty { return }
            self.run(batch, on: connection)
        }
    }

    /// Sends a batch in one write, reads every reply, and resumes each caller with its own.
    private func run(_ batch: [PendingCall], on connection: RedisConnection) {
        var commands: [[String]] = []
        commands.reserveCapacity(batch.reduce(0) { $0 + $1.commands.count })
        for call in batch { commands += call.commands }
        counters.calls.add(batch.count, ordering: .relaxed)
        counters.roundTrips.add(1, ordering: .relaxed)
        let replies: [RedisValue]
        do {
            replies = try connection.pipeline(commands, timeout: batch.count == 1 ? batch[0].timeout : nil)
        } catch {
            for call in batch { call.continuation.resume(throwing: error) }
            return
        }
        var offset = 0
        for call in batch {
            var own = Array(replies[offset..<(offset + call.commands.count)])
            offset += call.commands.count
            if let script = call.script, case .error(let message) = own[0], message.hasPrefix("NOSCRIPT") {
                // Not run: run it with its source (EVAL also caches it for the next EVALSHA). One
                // command, so a SCRIPT FLUSH from elsewhere cannot slip in between a load and a run.
                do {
                    own[0] = try connection.execute(["EVAL", script.source] + call.commands[0].dropFirst(2))
                } catch {
                    call.continuation.resume(throwing: error)
                    continue
                }
            }
            call.continuation.resume(returning: own)
        }
    }

    private final class Counters: Sendable {
        let calls = Atomic<Int>(0)
        let roundTrips = Atomic<Int>(0)
    }

    /// Turns a top-level error reply into ``RedisError/server(_:)``.
    static func throwingErrorReply(_ reply: RedisValue) throws -> RedisValue {
        if case .error(let message) = reply {
            throw RedisError.server(message)
        }
        return reply
    }
}
