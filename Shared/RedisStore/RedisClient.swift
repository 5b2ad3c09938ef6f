import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle

/// A pooled Redis client on top of hiredis, and the `Service` that owns the pool's lifetime.
///
/// hiredis is blocking, so no call ever runs on Swift's cooperative pool: the client owns an
/// `NIOThreadPool` of exactly ``RedisConfiguration/poolSize`` threads and as many connections in
/// a locked free list. Each call runs as one job on a pool thread, takes a free connection (there
/// always is one, since at most `poolSize` jobs run at once) and puts it back when done. Calls
/// beyond `poolSize` wait in the pool's queue.
///
/// Connections open lazily, with `AUTH` and `SELECT` from the configuration. Before each use an
/// idle connection is checked (a non-blocking peek) for a socket the server has closed, and is
/// reopened if so; nothing has been sent at that point, so this is safe. A connection that breaks
/// while a command is in flight throws ``RedisError/connectionLost(_:)`` and makes every other
/// connection opened before the loss reconnect before its next use, so a Redis restart costs at
/// most about one failed call. A command that may have been sent is never retried.
///
/// Blocking stream reads (``xreadgroup(group:consumer:streams:count:block:ids:)`` with a `block`)
/// hold a pool thread and its connection for the whole block time. A consumer loop that does
/// blocking reads should therefore own its own `RedisClient` with a `poolSize` of 1 or 2, so it
/// never starves the client that serves requests.
///
/// As a `Service`, ``run()`` waits for graceful shutdown, then closes the connections and stops
/// the threads. Calls after that throw ``RedisError/shutdown``. Pass a logger labelled
/// `switchboard.redis`; the password never appears in its output.
package final class RedisClient: Sendable, Service {
    /// The configuration in use (with `poolSize` raised to at least 1).
    package let configuration: RedisConfiguration
    private let logger: Logger
    private let threadPool: NIOThreadPool
    /// Connections not in use by a job; every connection is here whenever no job runs.
    private let idleConnections: NIOLockedValueBox<[RedisConnection]>
    private let state: NIOLockedValueBox<State>

    private enum State {
        /// No call yet: the threads are not started.
        case idle
        case running
        case shutDown
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
        self.state = NIOLockedValueBox(.idle)
    }

    deinit {
        // Dropped without shutdown(): no job can be running (jobs retain self), so just let the
        // threads go. The connections close when the free list is released.
        let wasRunning = self.state.withLockedValue { state in
            defer { state = .shutDown }
            return state == .running
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
        let previous = self.state.withLockedValue { state in
            defer { state = .shutDown }
            return state
        }
        guard previous != .shutDown else { return }
        if previous == .running {
            // Joins the threads: after this no job holds a connection.
            try? await self.threadPool.shutdownGracefully()
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
        try Self.throwingErrorReply(await self.withConnection { try $0.execute(arguments) })
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
        return try await self.withConnection { try $0.pipeline(commands) }
    }

    /// Sends `PING` and checks for `PONG`; a readiness probe.
    package func ping() async throws {
        let reply = try await self.command("PING")
        guard reply.string == "PONG" else {
            throw RedisError.unexpectedReply("PING answered \(reply)")
        }
    }

    /// Runs a Lua script with `EVALSHA`. When the server does not know the script (`NOSCRIPT`,
    /// after a restart or `SCRIPT FLUSH`) it is loaded with `SCRIPT LOAD` and run once more, on
    /// the same connection; `NOSCRIPT` means it did not run, so the retry is safe.
    /// - Throws: ``RedisError/server(_:)`` when the script fails or returns an error.
    package func eval(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisValue {
        let call = ["EVALSHA", script.sha1, String(keys.count)] + keys + arguments
        return try Self.throwingErrorReply(
            await self.withConnection { connection in
                let first = try connection.execute(call)
                guard case .error(let message) = first, message.hasPrefix("NOSCRIPT") else { return first }
                let loaded = try connection.execute(["SCRIPT", "LOAD", script.source])
                if case .error = loaded { return loaded }
                return try connection.execute(call)
            }
        )
    }

    // MARK: Pool

    /// Runs `body` on a pool thread with a connection nobody else is using.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        let active = self.state.withLockedValue { state in
            switch state {
            case .idle:
                self.threadPool.start()
                state = .running
                return true
            case .running:
                return true
            case .shutDown:
                return false
            }
        }
        guard active else { throw RedisError.shutdown }
        do {
            return try await self.threadPool.runIfActive { [idleConnections] in
                RedisConnection.blockSIGPIPEOnCurrentThread()
                guard let connection = idleConnections.withLockedValue({ $0.popLast() }) else {
                    preconditionFailure("RedisClient: more jobs running than pooled connections")
                }
                defer { idleConnections.withLockedValue { $0.append(connection) } }
                return try body(connection)
            }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw RedisError.shutdown
        } catch is CancellationError where self.isShutDown {
            // Jobs still queued when the pool shuts down are cancelled.
            throw RedisError.shutdown
        }
    }

    private var isShutDown: Bool {
        self.state.withLockedValue { $0 == .shutDown }
    }

    /// Turns a top-level error reply into ``RedisError/server(_:)``.
    static func throwingErrorReply(_ reply: RedisValue) throws -> RedisValue {
        if case .error(let message) = reply {
            throw RedisError.server(message)
        }
        return reply
    }
}
