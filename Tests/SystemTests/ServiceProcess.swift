import Foundation

/// One of the five executables, launched as a child process for a test.
final class ServiceProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test that owns this object.
    let name: String
    let port: Int
    let logURL: URL
    private let process = Process()

    /// Where `swift build` put the executables: `SWITCHBOARD_BIN_DIR` (set by scripts/test), or
    /// `.build/debug` beside this package.
    static var binaryDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["SWITCHBOARD_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug")
    }

    init(name: String, port: Int, environment: [String: String], logDirectory: URL) throws {
        self.name = name
        self.port = port
        let binary = Self.binaryDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw SystemTestError("executable \(binary.path) not found: build with `swift build --build-tests` (scripts/test does)")
        }
        logURL = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = binary
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: logURL)
        process.standardError = process.standardOutput
    }

    func start() throws { try process.run() }

    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    func terminate(timeout: Duration = .seconds(15)) async throws -> Int32 {
        if process.isRunning { process.terminate() }
        return try await waitForExit(timeout: timeout)
    }

    /// Waits (bounded) for the process to exit by itself.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw SystemTestError("\(name) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A failed expectation about the world outside the test, with its reason.
struct SystemTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
