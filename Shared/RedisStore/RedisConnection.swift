import CHiredis
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection: the only type that holds a `redisContext *`.
///
/// It connects lazily (connect, `AUTH`, `SELECT`, socket timeouts), reconnects before use when the
/// server has closed the idle socket, and after any I/O error frees the context, so the next use
/// reconnects. Connections of one ``RedisClient`` share a
/// *generation* counter: a connection that sees the server go away bumps it, and every other
/// connection opened under an older generation reconnects before its next command instead of
/// failing on its own dead socket. A Redis restart therefore costs about one failed call, not one
/// per pooled connection.
///
/// `@unchecked Sendable`: the mutable state (the context, its generation, the current timeout) is
/// only touched by the pool job that took this connection out of the client's free list, and that
/// list's lock orders one job's use of it before the next one's. The type is never shared
/// between threads concurrently.
final class RedisConnection: @unchecked Sendable {
    private let configuration: RedisConfiguration
    private let logger: Logger
    /// Bumped by any connection of the pool that loses its server.
    private let generation: NIOLockedValueBox<Int>
    private var context: UnsafeMutablePointer<redisContext>?
    /// The value of `generation` when `context` was opened.
    private var contextGeneration = 0
    /// The socket timeout currently set on `context`; nil right after connecting, when it is
    /// whatever hiredis left.
    private var timeout: Duration?

    init(configuration: RedisConfiguration, generation: NIOLockedValueBox<Int>, logger: Logger) {
        self.configuration = configuration
        self.generation = generation
        self.logger = logger
        self.timeout = nil
    }

    deinit {
        self.close()
    }

    /// Whether a context is open (it may still turn out to be dead on the next command).
    var isOpen: Bool { self.context != nil }

    /// Frees the context, if any. The next command reconnects.
    func close() {
        if let context = self.context {
            redisFree(context)
            self.context = nil
        }
    }

    // MARK: Commands

    /// Sends one command and reads its reply; an error reply is returned as `.error`, not thrown.
    ///
    /// - Parameter timeout: socket timeout for this call only (a blocking read); nil keeps the
    ///   configured command timeout.
    func execute(_ arguments: [String], timeout: Duration? = nil) throws -> RedisValue {
        try self.pipeline([arguments], timeout: timeout)[0]
    }

    /// Writes all commands in one go, then reads one reply per command, in order. Error replies
    /// come back in place as `.error`; an empty command is not sent and answers `.error`.
    func pipeline(_ commands: [[String]], timeout: Duration? = nil) throws -> [RedisValue] {
        let context = try self.connectedContext()
        if let timeout {
            try self.setTimeout(timeout, on: context)
        }
        let replies = try self.roundTrip(commands, on: context)
        if timeout != nil {
            try self.setTimeout(self.configuration.commandTimeout, on: context)
        }
        return replies
    }

    private func roundTrip(_ commands: [[String]], on context: UnsafeMutablePointer<redisContext>) throws -> [RedisValue] {
        for command in commands where !command.isEmpty {
            // Appending only fills hiredis' output buffer; the first redisGetReply writes it all.
            try Self.withArgv(command) { argc, argv, lengths in
                try self.check(redisAppendCommandArgv(context, argc, argv, lengths), "write")
            }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for command in commands {
            guard !command.isEmpty else {
                replies.append(.error("ERR empty command"))
                continue
            }
            var raw: UnsafeMutableRawPointer?
            try self.check(redisGetReply(context, &raw), "read")
            guard let raw else {
                self.close()
                throw RedisError.unexpectedReply("hiredis returned no reply")
            }
            defer { freeReplyObject(raw) }
            replies.append(Self.value(of: raw.assumingMemoryBound(to: redisReply.self)))
        }
        return replies
    }

    // MARK: Connecting

    /// The open context, reconnecting first when there is none or it predates a connection loss.
    private func connectedContext() throws -> UnsafeMutablePointer<redisContext> {
        let current = self.generation.withLockedValue { $0 }
        if let context = self.context {
            if self.contextGeneration < current {
                self.logger.debug("redis reconnecting after a connection loss in the pool")
                self.close()
            } else if Self.peerHasClosed(context) {
                // The server closed this idle socket (restart, idle timeout, CLIENT KILL). Nothing
                // has been sent, so reconnecting now costs the caller nothing.
                self.logger.info("redis reconnecting a connection the server closed")
                self.close()
                self.markLost(generation: self.contextGeneration)
            } else {
                return context
            }
        }
        return try self.connect(generation: self.generation.withLockedValue { $0 })
    }

    /// Whether an idle connection's socket shows end-of-file, an error, or unexpected bytes,
    /// found with a non-blocking peek. A healthy idle connection has nothing to read.
    private static func peerHasClosed(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        var byte: UInt8 = 0
        let received = recv(context.pointee.fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if received < 0 {
            return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
        }
        return true
    }

    /// Tells the other connections of the pool that the server went away, once per loss.
    private func markLost(generation lostGeneration: Int) {
        self.generation.withLockedValue { current in
            if current == lostGeneration { current += 1 }
        }
    }

    private func connect(generation: Int) throws -> UnsafeMutablePointer<redisContext> {
        let configuration = self.configuration
        guard
            let context = redisConnectWithTimeout(
                configuration.host,
                Int32(clamping: configuration.port),
                configuration.connectTimeout.timeval
            )
        else {
            throw RedisError.connectionFailed("cannot allocate a hiredis context")
        }
        guard context.pointee.err == 0 else {
            let message = Self.errorString(of: context)
            redisFree(context)
            self.logger.warning("redis connect failed", metadata: ["redis.error": "\(message)"])
            throw RedisError.connectionFailed("\(configuration.host):\(configuration.port): \(message)")
        }
        self.context = context
        self.contextGeneration = generation
        self.timeout = nil

        do {
            try self.setTimeout(configuration.commandTimeout, on: context)
            var handshake: [[String]] = []
            if let password = configuration.password {
                handshake.append(["AUTH"] + (configuration.username.map { [$0] } ?? []) + [password])
            }
            if configuration.database != 0 {
                handshake.append(["SELECT", String(configuration.database)])
            }
            let replies = try self.roundTrip(handshake, on: context)
            for (command, reply) in zip(handshake, replies) {
                if case .error(let message) = reply {
                    let step = command[0] == "AUTH" ? "authentication failed" : "SELECT \(configuration.database) failed"
                    throw RedisError.connectionFailed("\(step): \(message)")
                }
            }
        } catch let error as RedisError {
            self.close()
            self.logger.warning("redis handshake failed", metadata: ["redis.error": "\(error)"])
            // Nothing of the caller's was sent yet, so whatever broke, this is a failed connect.
            switch error {
            case .connectionFailed: throw error
            case .connectionLost(let reason), .unexpectedReply(let reason), .server(let reason), .invalidURL(let reason):
                throw RedisError.connectionFailed(reason)
            case .shutdown: throw error
            }
        }
        self.logger.debug("redis connected", metadata: ["redis.generation": "\(generation)"])
        return context
    }

    private func setTimeout(_ timeout: Duration, on context: UnsafeMutablePointer<redisContext>) throws {
        guard timeout != self.timeout else { return }
        try self.check(redisSetTimeout(context, timeout.timeval), "set timeout")
        self.timeout = timeout
    }

    // MARK: Errors

    /// Turns a hiredis status code into a Swift error. On failure the context is unusable (hiredis
    /// sets `err` for good), so it is freed and the next use reconnects.
    private func check(_ status: Int32, _ operation: StaticString) throws {
        guard status != REDIS_OK else { return }
        let savedErrno = errno
        guard let context = self.context else {
            throw RedisError.connectionLost("\(operation) without a connection")
        }
        let code = context.pointee.err
        let message = Self.errorString(of: context)
        let timeout = self.timeout ?? self.configuration.commandTimeout
        self.close()

        if code == REDIS_ERR_IO && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK) {
            // A slow reply is not a sign the server went away: leave the other connections alone.
            self.logger.warning("redis command timed out", metadata: ["redis.timeout": "\(timeout)"])
            throw RedisError.connectionLost("no reply within \(timeout)")
        }
        if code == REDIS_ERR_PROTOCOL {
            self.logger.error("redis protocol error", metadata: ["redis.error": "\(message)"])
            throw RedisError.unexpectedReply("protocol error: \(message)")
        }
        self.markLost(generation: self.contextGeneration)
        self.logger.warning("redis connection lost", metadata: ["redis.error": "\(message)"])
        throw RedisError.connectionLost(message.isEmpty ? "\(operation) failed" : message)
    }

    private static func errorString(of context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: C conversions

    /// Calls `body` with hiredis' `argc`, `argv` and `argvlen` for `arguments`. Lengths are
    /// explicit, so arguments may hold spaces, newlines, NUL and any UTF-8.
    private static func withArgv<T>(
        _ arguments: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) throws -> T
    ) rethrows -> T {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        offsets.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        bytes.reserveCapacity(arguments.reduce(1) { $0 + $1.utf8.count })
        for argument in arguments {
            offsets.append(bytes.count)
            lengths.append(argument.utf8.count)
            bytes.append(contentsOf: argument.utf8)
        }
        // Never empty, so the base address below is never nil.
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { storage in
            let base = UnsafeRawPointer(storage.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return try pointers.withUnsafeMutableBufferPointer { argv in
                try lengths.withUnsafeBufferPointer { argvlen in
                    try body(Int32(arguments.count), argv.baseAddress!, argvlen.baseAddress!)
                }
            }
        }
    }

    /// Copies a hiredis reply tree into a ``RedisValue``.
    private static func value(of reply: UnsafePointer<redisReply>) -> RedisValue {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS:
            return .string(Self.text(of: reply))
        case REDIS_REPLY_ERROR:
            return .error(Self.text(of: reply))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(reply.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            guard reply.elements > 0, let elements = reply.element else { return .array([]) }
            return .array((0..<reply.elements).map { index in elements[index].map { Self.value(of: $0) } ?? .null })
        default:
            return .error("ERR unsupported hiredis reply type \(reply.type)")
        }
    }

    private static func text(of reply: redisReply) -> String {
        String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self)
    }

    /// Blocks SIGPIPE on the calling thread. hiredis writes with `write(2)`, and a write to a
    /// socket the server has reset would otherwise kill the process; blocked, it fails with
    /// EPIPE and becomes ``RedisError/connectionLost(_:)``. Only our pool threads are affected.
    static func blockSIGPIPEOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}
