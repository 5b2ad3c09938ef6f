import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One of the built executables (`gateway`, `sender`, `provider-sandbox`, ...), launched as a
/// child process for a test, with its standard output and error appended to a log file.
///
/// One object runs the executable once; to restart a service, make a new one with the same port
/// and log name (its output is appended to the same file).
public final class ServiceProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test that owns this object.
    /// The executable's name, as in `SWITCHBOARD_BIN_DIR`.
    public let name: String
    /// The port the test told it to listen on (0 when it does not matter).
    public let port: Int
    /// Where its output goes.
    public let logURL: URL
    private let process = Process()

    /// Where `swift build` put the executables: `SWITCHBOARD_BIN_DIR` (set by scripts/test), or
    /// `.build/debug` beside this package.
    public static var binaryDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["SWITCHBOARD_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug")
    }

    /// Prepares the process (it does not start it).
    ///
    /// - Parameters:
    ///   - name: the executable in ``binaryDirectory``.
    ///   - port: the port it was told to use, for the caller's convenience.
    ///   - environment: its whole environment.
    ///   - logDirectory: where `<logName>.log` is written.
    ///   - arguments: command-line arguments (`["bootstrap", ...]`).
    ///   - logName: the log file's name without `.log`; `name` by default. Output is appended, so
    ///     a restarted service keeps one log.
    /// - Throws: ``SystemTestError`` when the executable is missing.
    public init(
        name: String, port: Int, environment: [String: String], logDirectory: URL, arguments: [String] = [], logName: String? = nil
    ) throws {
        self.name = name
        self.port = port
        let binary = Self.binaryDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw SystemTestError("executable \(binary.path) not found: build with `swift build --build-tests` (scripts/test does)")
        }
        logURL = logDirectory.appendingPathComponent("\(logName ?? name).log")
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: logURL)
        output.seekToEndOfFile()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
    }

    /// Starts the process.
    public func start() throws { try process.run() }

    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }
    /// Its pid (valid once started).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    public func terminate(timeout: Duration = .seconds(15)) async throws -> Int32 {
        if process.isRunning { process.terminate() }
        return try await waitForExit(timeout: timeout)
    }

    /// Kills it with SIGKILL, as a crash or `kill -9` would, and waits until it is gone.
    public func kill() async throws {
        if process.isRunning { _ = sendSignal(process.processIdentifier, SIGKILL) }
        _ = try await waitForExit(timeout: .seconds(10))
    }

    /// Waits (bounded) for the process to exit by itself.
    public func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                _ = sendSignal(process.processIdentifier, SIGKILL)
                throw SystemTestError("\(name) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Everything it wrote so far (and whatever earlier runs with the same log name wrote).
    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning { _ = sendSignal(process.processIdentifier, SIGKILL) }
    }
}

/// A failed expectation about the world outside the test, with its reason.
public struct SystemTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `kill(2)`, named apart from ``ServiceProcess/kill()`` so the class can call it.
private func sendSignal(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
