import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RedisStore
import Synchronization
import TestSupport

/// A whole send path for one reliability test, made of the built executables: a private
/// `redis-server` with `appendonly yes` and `appendfsync always`, the provider sandbox, the
/// gateway and one or more senders, each a child process on its own loopback port, sharing a
/// temporary `DATA_DIR`. An organization with the sandbox's credentials, an assistant and the
/// requested numbers is set up through the admin API.
final class ChaosStack: Sendable {
    let redis: RedisServerProcess
    let directory: URL
    let environment: [String: String]
    let gatewayPort = freeTCPPort()
    let sandboxPort = freeTCPPort()
    /// The organization's API key (from `gateway bootstrap`).
    var apiKey: String { key.withLock { $0 } }
    private let key = Mutex<String>("")
    /// Registered sending numbers per provider.
    let numbers: [String: [String]]
    /// Marks the bodies of this stack's messages.
    let tag = String(UUID().uuidString.prefix(8)).lowercased()
    private let processes = Mutex<[String: ServiceProcess]>([:])
    /// Every log name used, in start order, for the failure report.
    private let logNames = Mutex<[String]>([])

    static let twilioSID = "AC" + String(repeating: "c", count: 32)
    static let twilioToken = "chaos-twilio-token"
    static let telnyxKey = "KEYchaostelnyx"
    static let vonage = (key: "chaosvk", secret: "chaos-vonage-secret", signature: "chaos-vonage-signature")

    /// Starts Redis, the sandbox and the gateway, and sets up the organization; senders are
    /// started with ``startSender(_:extra:)``.
    ///
    /// - Parameters:
    ///   - numbers: how many sending numbers to register per provider.
    ///   - environment: variables for every service (rates, claim idle time, ...).
    ///   - sandbox: `SANDBOX_*` variables.
    init(numbers counts: [String: Int], environment extra: [String: String], sandbox: [String: String] = [:]) async throws {
        redis = try await RedisServerProcess.launch(arguments: ["--appendonly", "yes", "--appendfsync", "always"])
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-chaos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        let values = [
            "REDIS_URL": redis.url, "DATA_DIR": directory.path, "INTERNAL_TOKEN": "chaos-internal-token",
            "SECRETS_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
            "JWT_SECRET": "chaos-jwt-secret", "BCRYPT_COST": "4", "LOG_LEVEL": "info",
            "WEBHOOK_PUBLIC_URL": "http://127.0.0.1:1", "SENDER_URL": "http://127.0.0.1:1",
            "TWILIO_API_BASE": "http://127.0.0.1:\(sandboxPort)", "TELNYX_API_BASE": "http://127.0.0.1:\(sandboxPort)",
            "VONAGE_API_BASE": "http://127.0.0.1:\(sandboxPort)",
        ]
        environment.merge(values) { $1 }
        environment.merge(extra) { $1 }
        self.environment = environment
        let base = Int.random(in: 100_000...999_999)
        var numbers: [String: [String]] = [:]
        for (index, provider) in ["twilio", "telnyx", "vonage"].enumerated() {
            numbers[provider] = (0..<(counts[provider] ?? 0)).map { "+1\(666 + index)\(base)\($0 % 10)" }
        }
        precondition(counts.values.allSatisfy { $0 <= 10 }, "at most 10 numbers per provider")
        self.numbers = numbers

        var sandboxEnvironment = environment
        sandboxEnvironment.merge(
            [
                "SANDBOX_PORT": String(sandboxPort), "SANDBOX_CALLBACKS": "off", "LOG_LEVEL": "warning",
                "SANDBOX_ACCOUNTS":
                    #"[{"provider":"twilio","account_sid":"\#(Self.twilioSID)","auth_token":"\#(Self.twilioToken)"},{"provider":"telnyx","api_key":"\#(Self.telnyxKey)"},{"provider":"vonage","api_key":"\#(Self.vonage.key)","api_secret":"\#(Self.vonage.secret)","signature_secret":"\#(Self.vonage.signature)"}]"#,
            ]
        ) { $1 }
        sandboxEnvironment.merge(sandbox) { $1 }
        try start("provider-sandbox", role: "sandbox", port: sandboxPort, environment: sandboxEnvironment)
        try await Self.waitFor("http://127.0.0.1:\(sandboxPort)/health", within: .seconds(30))
        try await startGateway()

        let bootstrap = try ServiceProcess(
            name: "gateway", port: 0, environment: environment, logDirectory: directory,
            arguments: ["bootstrap", "--organization", "Chaos", "--email", "chaos@example.com", "--password", "chaos-password"],
            logName: "bootstrap")
        logNames.withLock { $0.append("bootstrap") }
        try bootstrap.start()
        let status = try await bootstrap.waitForExit(timeout: .seconds(30))
        guard status == 0,
            let line = bootstrap.log.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
            let key = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["api_key"] as? String
        else { throw SystemTestError("gateway bootstrap failed (\(status)): \(bootstrap.log)") }
        self.key.withLock { $0 = key }

        try await expect(
            200, .PUT, "/api/v1/organization",
            #"{"twilio_account_sid":"\#(Self.twilioSID)","twilio_auth_token":"\#(Self.twilioToken)","telnyx_api_key":"\#(Self.telnyxKey)","vonage_api_key":"\#(Self.vonage.key)","vonage_api_secret":"\#(Self.vonage.secret)","vonage_signature_secret":"\#(Self.vonage.signature)"}"#
        )
        let assistant = try await expect(201, .POST, "/api/v1/assistants", #"{"name":"Chaos bot"}"#)
        guard let assistantID = (try? JSONSerialization.jsonObject(with: Data(assistant.utf8)) as? [String: Any])?["id"] as? Int
        else { throw SystemTestError("no assistant id in \(assistant)") }
        for (provider, list) in numbers {
            for number in list {
                try await expect(
                    201, .POST, "/api/v1/phone-numbers",
                    #"{"phone_number":"\#(number)","provider":"\#(provider)","assistant_id":\#(assistantID)}"#)
            }
        }
    }

    deinit {
        // Each ServiceProcess SIGKILLs its child when it goes away with the dictionary.
        redis.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Processes

    /// Starts `name` as `role` (replacing a dead process of that role), appending to `role.log`.
    private func start(_ name: String, role: String, port: Int, environment: [String: String]) throws {
        var environment = environment
        environment["HTTP_PORT"] = String(port)
        let process = try ServiceProcess(name: name, port: port, environment: environment, logDirectory: directory, logName: role)
        try process.start()
        processes.withLock { $0[role] = process }
        logNames.withLock { if !$0.contains(role) { $0.append(role) } }
    }

    /// The running (or last) process of a role.
    func process(_ role: String) throws -> ServiceProcess {
        guard let process = processes.withLock({ $0[role] }) else { throw SystemTestError("no process \(role)") }
        return process
    }

    /// Starts the gateway (again) on its port and waits until it is ready.
    func startGateway() async throws {
        try start("gateway", role: "gateway", port: gatewayPort, environment: environment)
        try await Self.waitFor("http://127.0.0.1:\(gatewayPort)/ready", within: .seconds(30))
    }

    /// Starts a sender as `role` (`sender-1`, ...) on a fresh port, with `extra` variables on top,
    /// and waits until it answers `/health`.
    func startSender(_ role: String, extra: [String: String] = [:]) async throws {
        let port = freeTCPPort()
        // A data directory per replica, as separate hosts would have.
        let data = directory.appendingPathComponent(role)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var environment = environment.merging(extra) { $1 }
        environment["DATA_DIR"] = data.path
        try start("sender", role: role, port: port, environment: environment)
        try await Self.waitFor("http://127.0.0.1:\(port)/health", within: .seconds(30))
    }

    /// `kill -9` of a role's process.
    func kill(_ role: String) async throws {
        try await process(role).kill()
    }

    /// Stops every service gracefully and Redis; the directory is removed when the stack goes away.
    func stop() async {
        for role in logNames.withLock({ $0 }).reversed() {
            if let process = processes.withLock({ $0[role] }), process.isRunning {
                _ = try? await process.terminate(timeout: .seconds(10))
            }
        }
        redis.stop()
    }

    /// The last lines of every process's log and Redis's, for a failure message.
    func logs(lines: Int = 40) -> String {
        var text = ""
        for role in logNames.withLock({ $0 }) {
            let url = directory.appendingPathComponent("\(role).log")
            let log = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            text += "---- \(role).log (last \(lines) lines) ----\n"
            text += log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n") + "\n"
        }
        text += "---- redis.log ----\n" + redis.logTail(lines: lines) + "\n"
        return text
    }

    // MARK: HTTP

    /// One gateway call with the organization's API key: status and body, or nil status on a
    /// transport error (connection refused, reset, timeout).
    func call(
        _ method: HTTPMethod, _ path: String, _ body: String? = nil, headers: [(String, String)] = [],
        timeout: Duration = .seconds(5)
    ) async -> (status: Int?, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(gatewayPort)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
            let collected = try await response.body.collect(upTo: 1 << 22)
            return (Int(response.status.code), String(buffer: collected))
        } catch {
            return (nil, "\(error)")
        }
    }

    @discardableResult
    private func expect(_ status: Int, _ method: HTTPMethod, _ path: String, _ body: String) async throws -> String {
        let reply = await call(method, path, body)
        guard reply.status == status else {
            throw SystemTestError("\(method) \(path) answered \(reply.status.map(String.init) ?? "nothing"): \(reply.body)")
        }
        return reply.body
    }

    /// Polls `url` until it answers 200, or throws after `timeout`.
    static func waitFor(_ url: String, within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            do {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
                if response.status == .ok { return }
                last = "\(response.status)"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SystemTestError("\(url) did not answer 200 within \(timeout); last: \(last)")
    }

    // MARK: What the provider received

    /// Every send request the sandbox received, oldest first.
    func arrivals() async throws -> [Arrival] {
        let url = "http://127.0.0.1:\(sandboxPort)/sandbox/messages?limit=1000000"
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 28)
        guard let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let messages = object["messages"] as? [[String: Any]]
        else { throw SystemTestError("unexpected /sandbox/messages answer") }
        return messages.map { message in
            Arrival(
                receivedAt: (message["received_at"] as? Double) ?? Double((message["received_at"] as? Int) ?? 0),
                provider: message["provider"] as? String ?? "", account: message["account"] as? String,
                from: message["from"] as? String ?? "", body: message["body"] as? String ?? "",
                idempotencyKey: message["idempotency_key"] as? String, httpStatus: message["http_status"] as? Int ?? -1)
        }
    }

    /// Polls the sandbox until `done` holds for what it received, or `timeout` passes; returns the
    /// last list either way.
    func arrivals(within timeout: Duration, until done: ([Arrival]) -> Bool) async throws -> [Arrival] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let list = try await arrivals()
            if done(list) || ContinuousClock.now > deadline { return list }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    // MARK: Redis

    /// A short-lived client of the stack's Redis.
    func withRedis<T: Sendable>(_ body: (RedisClient) async throws -> T) async throws -> T {
        var logger = Logger(label: "chaos")
        logger.logLevel = .critical
        let client = RedisClient(configuration: try RedisConfiguration(url: redis.url), logger: logger)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// The ids of the messages whose status record says `sending` right now: those whose provider
    /// call may be under way. Read while no sender runs, it is the set in flight when the last one died.
    func messagesInFlight() async throws -> Set<String> {
        let script = """
            local found = {}
            local cursor = '0'
            repeat
              local page = redis.call('SCAN', cursor, 'MATCH', 'sms:msg:*', 'COUNT', 1000)
              cursor = page[1]
              for _, key in ipairs(page[2]) do
                if redis.call('HGET', key, 'status') == 'sending' then found[#found + 1] = string.sub(key, 9) end
              end
            until cursor == '0'
            return found
            """
        let reply = try await withRedis { try await $0.command(["EVAL", script, "0"]) }
        return Set((reply.array ?? []).compactMap(\.string))
    }

    /// `HGET sms:msg:{id} field` for many messages at once.
    func statusField(_ field: String, of messageIDs: [String]) async throws -> [String: String] {
        guard !messageIDs.isEmpty else { return [:] }
        let replies = try await withRedis { client in
            try await client.pipeline(messageIDs.map { ["HGET", "sms:msg:\($0)", field] })
        }
        var values: [String: String] = [:]
        for (id, reply) in zip(messageIDs, replies) {
            if let value = reply.string { values[id] = value }
        }
        return values
    }

    /// `sb:metrics:resends`: messages re-sent because their sender died mid-call.
    func resendCount() async throws -> Int {
        try await withRedis { try await $0.command(["GET", "sb:metrics:resends"]).int ?? 0 }
    }
}

/// One send request the sandbox recorded.
struct Arrival: Sendable {
    /// Milliseconds since the sandbox started (monotonic).
    var receivedAt: Double
    var provider: String
    var account: String?
    var from: String
    var body: String
    var idempotencyKey: String?
    var httpStatus: Int
}
