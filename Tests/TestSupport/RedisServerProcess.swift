import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A private `redis-server` for one test: its own port on 127.0.0.1, its own temporary
/// directory, no persistence (`--save "" --appendonly no`), running in the foreground as our child.
///
/// Use ``launch(password:arguments:timeout:)`` to get a ready server on a free port, ``kill()``
/// to simulate a crash (SIGKILL), ``restart(timeout:)`` to bring it back on the same port. The
/// server is stopped and its directory removed when the object goes away.
///
/// The child is spawned with `posix_spawn` and an empty signal mask rather than with
/// `Foundation.Process`: a child inherits the mask of the spawning thread, and Swift concurrency
/// (libdispatch) threads block nearly every signal, so a server started from an async test by
/// `Process` would ignore SIGTERM.
///
/// `@unchecked Sendable`: the only mutable state, the child's pid, is guarded by `lock`, so one
/// server can be shared between tasks (for example a test and the services it launches).
public final class RedisServerProcess: @unchecked Sendable {
    /// TCP port on 127.0.0.1; the same across restarts.
    public let port: Int
    /// The `--requirepass` password, if any.
    public let password: String?
    /// The server's working directory; its output goes to `redis.log` here.
    public let directory: URL
    private let executable: URL
    private let extraArguments: [String]
    private let lock = NSLock()
    /// The running child, nil when none has been started or it has been reaped.
    private var pid: pid_t?
    /// `waitpid` status of the last child that ended.
    private var lastStatus: Int32 = 0

    /// `redis://[:password@]127.0.0.1:port/0`.
    public var url: String { self.url(database: 0) }

    /// The URL of one database of this server, with the password if it has one.
    public func url(database: Int) -> String {
        let userInfo = self.password.map { ":\($0)@" } ?? ""
        return "redis://\(userInfo)127.0.0.1:\(self.port)/\(database)"
    }

    /// Prepares a server (it does not start it).
    ///
    /// - Parameters:
    ///   - port: the port to listen on; nil picks a free one with ``freeTCPPort()``.
    ///   - password: sets `--requirepass`.
    ///   - arguments: more `redis-server` options, such as `["--maxmemory", "10mb"]`.
    /// - Throws: ``RedisServerError/executableNotFound``, or a file system error for the directory.
    public init(port: Int? = nil, password: String? = nil, arguments: [String] = []) throws {
        guard let executable = Self.findExecutable() else {
            throw RedisServerError.executableNotFound
        }
        self.executable = executable
        self.port = port ?? freeTCPPort()
        self.password = password
        self.extraArguments = arguments
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-redis-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Starts a server on a free port and waits until it answers PING. A port taken by someone
    /// else between choosing and binding it is retried on a new port, up to three times.
    public static func launch(
        password: String? = nil,
        arguments: [String] = [],
        timeout: Duration = .seconds(10)
    ) async throws -> RedisServerProcess {
        var attempt = 1
        while true {
            let server = try RedisServerProcess(password: password, arguments: arguments)
            try server.start()
            do {
                try await server.waitUntilReady(timeout: timeout)
                return server
            } catch RedisServerError.exited where attempt < 3 {
                attempt += 1
            }
        }
    }

    // MARK: Lifecycle

    /// Whether the child process is running.
    public var isRunning: Bool {
        self.lock.withLock { self.reapIfExited() }
    }

    /// The process id of the running server, nil when it is not running.
    public var processIdentifier: Int32? {
        self.lock.withLock { self.reapIfExited() ? self.pid : nil }
    }

    /// Launches `redis-server`; does nothing if it is already running. Returns at once: call
    /// ``waitUntilReady(timeout:)`` before using it.
    public func start() throws {
        try self.lock.withLock {
            if self.reapIfExited() {
                return
            }
            var arguments = [
                self.executable.path,
                "--port", String(self.port),
                "--bind", "127.0.0.1",
                "--dir", self.directory.path,
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
            ]
            if let password = self.password {
                arguments += ["--requirepass", password]
            }
            arguments += self.extraArguments
            self.pid = try ChildProcess.spawn(
                arguments,
                output: self.directory.appendingPathComponent("redis.log").path
            )
        }
    }

    /// Waits until the server answers PING (a `NOAUTH` answer counts: it is up).
    ///
    /// - Throws: ``RedisServerError/exited(port:status:log:)`` if the process ends first,
    ///   ``RedisServerError/notReady(port:log:)`` after `timeout`.
    public func waitUntilReady(timeout: Duration = .seconds(10)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let (running, status) = self.lock.withLock { (self.reapIfExited(), self.lastStatus) }
            guard running else {
                throw RedisServerError.exited(port: self.port, status: status, log: self.logTail())
            }
            if Self.answersPing(port: self.port) {
                return
            }
            guard clock.now < deadline else {
                throw RedisServerError.notReady(port: self.port, log: self.logTail())
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Kills the server with SIGKILL, as a crash would, and waits until it is gone.
    public func kill() {
        self.terminate(signal: SIGKILL, grace: .seconds(10))
    }

    /// Stops the server with SIGTERM, and SIGKILL if it has not exited within 5 seconds.
    public func stop() {
        self.terminate(signal: SIGTERM, grace: .seconds(5))
        self.terminate(signal: SIGKILL, grace: .seconds(10))
    }

    /// Stops the server and starts it again on the same port, then waits until it is ready.
    /// Data is not kept: there is no persistence.
    public func restart(timeout: Duration = .seconds(10)) async throws {
        self.stop()
        try self.start()
        try await self.waitUntilReady(timeout: timeout)
    }

    /// Sends `signal` and waits up to `grace` for the child to end and be reaped.
    private func terminate(signal: Int32, grace: Duration) {
        self.lock.withLock {
            guard self.reapIfExited(), let pid = self.pid else { return }
            _ = sendSignal(pid, signal)
            let deadline = ContinuousClock.now + grace
            while self.reapIfExited() && ContinuousClock.now < deadline {
                usleep(2_000)
            }
        }
    }

    /// Reaps the child if it has ended; returns whether it is still running. Call with `lock` held.
    private func reapIfExited() -> Bool {
        guard let pid = self.pid else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 {
            return true
        }
        // Reaped now, or (-1) already reaped by someone else: either way it is gone.
        self.lastStatus = result == pid ? status : -1
        self.pid = nil
        return false
    }

    // MARK: Helpers

    /// The last lines of the server's output, for error messages.
    public func logTail(lines: Int = 20) -> String {
        let logURL = self.directory.appendingPathComponent("redis.log")
        guard let data = FileManager.default.contents(atPath: logURL.path) else { return "(no output)" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private static func findExecutable() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["REDIS_SERVER"], !explicit.isEmpty {
            candidates.append(explicit)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/redis-server")
        }
        candidates.append("/usr/bin/redis-server")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }

    /// One TCP connect, `PING`, and a look at the first bytes of the answer.
    static func answersPing(port: Int) -> Bool {
        let descriptor = socket(AF_INET, SocketAddress.streamType, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 0, tv_usec: 500_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if !os(Linux)
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var address = SocketAddress.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let ping = Array("PING\r\n".utf8)
        #if os(Linux)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        guard send(descriptor, ping, ping.count, flags) == ping.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = recv(descriptor, &buffer, buffer.count, 0)
        guard received > 0 else { return false }
        let answer = String(decoding: buffer[..<received], as: UTF8.self)
        return answer.hasPrefix("+PONG") || answer.hasPrefix("-NOAUTH")
    }
}

/// `kill(2)`, named apart from ``RedisServerProcess/kill()`` so the class can call it.
private func sendSignal(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
