import Foundation
import Logging

/// Everything the provider sandbox needs to start, read from `SANDBOX_*` variables.
public struct SandboxConfiguration: Sendable {
    /// Address to listen on (`SANDBOX_HOST`, default `127.0.0.1`).
    public var host: String
    /// Port to listen on (`SANDBOX_PORT`, default 8090; 0 picks a free one).
    public var port: Int
    /// Pause before each status callback: accept → sent, sent → delivered
    /// (`SANDBOX_CALLBACK_DELAY_MS`, default 50).
    public var callbackDelay: Duration
    /// Whether status callbacks are sent at all (`SANDBOX_CALLBACKS=off` for benchmarks).
    public var callbacksEnabled: Bool
    /// Attempts per callback before it is given up (`SANDBOX_CALLBACK_ATTEMPTS`, default 3).
    public var callbackAttempts: Int
    /// Time limit of one callback or inbound POST (`SANDBOX_CALLBACK_TIMEOUT_MS`, default 5000).
    public var callbackTimeout: Duration
    /// Accounts whose credentials are accepted from the start (`SANDBOX_ACCOUNTS`, a JSON array).
    public var accounts: [SandboxAccount]
    /// 32-byte Ed25519 seed for Telnyx webhook signatures (`SANDBOX_TELNYX_PRIVATE_KEY`, base64);
    /// nil generates a fresh key at start.
    public var telnyxPrivateKeySeed: [UInt8]?
    /// How long the `hang` magic number holds its reply (`SANDBOX_HANG_MS`, default 30000).
    public var hangDuration: Duration
    /// Accepted sends per from-number per second before 429 (`SANDBOX_RATE_LIMIT_PER_SECOND`); nil: no limit.
    public var rateLimitPerSecond: Int?
    /// How many received messages `GET /sandbox/messages` keeps (`SANDBOX_MESSAGE_CAPACITY`, default 200000).
    public var messageCapacity: Int
    /// Log level (`LOG_LEVEL`, default `info`).
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1",
        port: Int = 8090,
        callbackDelay: Duration = .milliseconds(50),
        callbacksEnabled: Bool = true,
        callbackAttempts: Int = 3,
        callbackTimeout: Duration = .seconds(5),
        accounts: [SandboxAccount] = [],
        telnyxPrivateKeySeed: [UInt8]? = nil,
        hangDuration: Duration = .seconds(30),
        rateLimitPerSecond: Int? = nil,
        messageCapacity: Int = 200_000,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.callbackDelay = callbackDelay
        self.callbacksEnabled = callbacksEnabled
        self.callbackAttempts = callbackAttempts
        self.callbackTimeout = callbackTimeout
        self.accounts = accounts
        self.telnyxPrivateKeySeed = telnyxPrivateKeySeed
        self.hangDuration = hangDuration
        self.rateLimitPerSecond = rateLimitPerSecond
        self.messageCapacity = messageCapacity
        self.logLevel = logLevel
    }

    /// Reads the `SANDBOX_*` variables (and `LOG_LEVEL`); throws `SandboxError.invalidVariable`
    /// naming the first bad one.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
            guard let raw = value(name) else { return defaultValue }
            guard let number = Int(raw), range.contains(number) else {
                throw SandboxError.invalidVariable(
                    name: name, reason: "expected an integer from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
            }
            return number
        }

        self.init(host: "127.0.0.1")
        host = value("SANDBOX_HOST") ?? host
        port = try integer("SANDBOX_PORT", default: port, in: 0...65_535)
        callbackDelay = .milliseconds(try integer("SANDBOX_CALLBACK_DELAY_MS", default: 50, in: 0...3_600_000))
        callbackAttempts = try integer("SANDBOX_CALLBACK_ATTEMPTS", default: callbackAttempts, in: 1...20)
        callbackTimeout = .milliseconds(try integer("SANDBOX_CALLBACK_TIMEOUT_MS", default: 5000, in: 1...600_000))
        hangDuration = .milliseconds(try integer("SANDBOX_HANG_MS", default: 30_000, in: 0...3_600_000))
        messageCapacity = try integer("SANDBOX_MESSAGE_CAPACITY", default: messageCapacity, in: 1...10_000_000)
        let limit = try integer("SANDBOX_RATE_LIMIT_PER_SECOND", default: 0, in: 0...1_000_000)
        rateLimitPerSecond = limit > 0 ? limit : nil

        if let raw = value("SANDBOX_CALLBACKS") {
            switch raw.lowercased() {
            case "on", "true", "1", "yes": callbacksEnabled = true
            case "off", "false", "0", "no": callbacksEnabled = false
            default: throw SandboxError.invalidVariable(name: "SANDBOX_CALLBACKS", reason: "expected on or off, got '\(raw)'")
            }
        }
        if let raw = value("SANDBOX_ACCOUNTS") {
            do {
                accounts = try SandboxAccount.decodeList(Data(raw.utf8))
            } catch {
                throw SandboxError.invalidVariable(name: "SANDBOX_ACCOUNTS", reason: "\(error)")
            }
        }
        if let raw = value("SANDBOX_TELNYX_PRIVATE_KEY") {
            // Never echo the value: it is a private key.
            guard let seed = Data(base64Encoded: raw), seed.count == 32 else {
                throw SandboxError.invalidVariable(name: "SANDBOX_TELNYX_PRIVATE_KEY", reason: "expected base64 of a 32-byte seed")
            }
            telnyxPrivateKeySeed = [UInt8](seed)
        }
        if let raw = value("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw SandboxError.invalidVariable(name: "LOG_LEVEL", reason: "expected one of \(names), got '\(raw)'")
            }
            logLevel = level
        }
    }
}
