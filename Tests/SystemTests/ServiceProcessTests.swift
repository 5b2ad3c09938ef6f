import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// The five built executables, started as a person would start them, checked from outside.
@Suite(.serialized) struct ServiceProcessTests {
    static let processes = ["gateway", "sender", "webhook-ingest", "log-indexer", "session-manager"]

    /// Environment with the required secrets and a private data dir.
    static func environment(redisURL: String, dataDirectory: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["REDIS_URL"] = redisURL
        environment["DATA_DIR"] = dataDirectory.path
        environment["INTERNAL_TOKEN"] = "test-internal-token"
        environment["SECRETS_KEY"] = Data(repeating: 7, count: 32).base64EncodedString()
        environment["JWT_SECRET"] = "test-jwt-secret"
        environment["LOG_LEVEL"] = "info"
        return environment
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sb-system-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func status(_ url: String, headers: [(String, String)] = []) async -> (Int, String)? {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(3)),
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return (Int(response.status.code), String(buffer: body))
    }

    /// Polls until `url` answers `expected`, or throws after `timeout`.
    static func waitFor(_ url: String, status expected: Int, within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var last: (Int, String)?
        while ContinuousClock.now < deadline {
            last = await status(url)
            if last?.0 == expected { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SystemTestError("\(url) did not answer \(expected) within \(timeout); last: \(String(describing: last))")
    }

    @Test func allFiveProcessesStartCreateTheirDatabasesAndRecoverFromARedisRestart() async throws {
        let redis = try RedisServerProcess()
        try redis.start()
        try await redis.waitUntilReady(timeout: .seconds(10))
        let dataDirectory = try Self.temporaryDirectory()
        var environment = Self.environment(redisURL: redis.url, dataDirectory: dataDirectory)
        let gatewayPort = freeTCPPort()
        var services: [ServiceProcess] = []
        for name in Self.processes {
            let port = name == "gateway" ? gatewayPort : freeTCPPort()
            environment["HTTP_PORT"] = String(port)
            services.append(try ServiceProcess(name: name, port: port, environment: environment, logDirectory: dataDirectory))
        }
        for service in services { try service.start() }

        for service in services {
            try await Self.waitFor("http://127.0.0.1:\(service.port)/health", status: 200, within: .seconds(30))
            try await Self.waitFor("http://127.0.0.1:\(service.port)/ready", status: 200, within: .seconds(10))
            let database = dataDirectory.appendingPathComponent("\(service.name).sqlite")
            #expect(FileManager.default.fileExists(atPath: database.path), "\(service.name) created no \(database.path)")
        }
        let pids = services.map(\.processIdentifier)

        // Redis goes away: every /ready says so, promptly, and nothing dies.
        redis.kill()
        for service in services {
            try await Self.waitFor("http://127.0.0.1:\(service.port)/ready", status: 503, within: .seconds(5))
        }
        // Redis comes back: every /ready is green again within 5 s, same processes.
        try await redis.restart()
        let restarted = ContinuousClock.now
        for service in services {
            try await Self.waitFor("http://127.0.0.1:\(service.port)/ready", status: 200, within: .seconds(5))
        }
        #expect(ContinuousClock.now - restarted < .seconds(5))
        #expect(services.map(\.processIdentifier) == pids)
        #expect(services.allSatisfy { $0.isRunning })

        // SIGTERM shuts each one down gracefully with status 0.
        for service in services {
            let status = try await service.terminate()
            #expect(status == 0, "\(service.name) exited \(status): \(service.log.suffix(2000))")
        }
        redis.stop()
    }

    @Test(arguments: [
        ("sender", "INTERNAL_TOKEN", nil as String?),
        ("gateway", "JWT_SECRET", nil),
        ("log-indexer", "SECRETS_KEY", "not-base64-of-32-bytes"),
        ("session-manager", "HTTP_PORT", "eighty"),
        ("webhook-ingest", "REDIS_URL", "http://127.0.0.1:6379"),
    ])
    func invalidConfigurationExitsOneWithOneLineNamingTheVariable(process: String, variable: String, value: String?) async throws {
        let dataDirectory = try Self.temporaryDirectory()
        var environment = Self.environment(redisURL: "redis://127.0.0.1:1/0", dataDirectory: dataDirectory)
        environment[variable] = value
        let service = try ServiceProcess(name: process, port: 0, environment: environment, logDirectory: dataDirectory)
        try service.start()
        let status = try await service.waitForExit(timeout: .seconds(20))
        #expect(status == 1)
        let lines = service.log.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(service.log)")
        #expect(service.log.contains(variable))
        if let value, variable == "SECRETS_KEY" {
            #expect(!service.log.contains(value), "a secret was echoed")
        }
    }

    @Test func internalServiceRejectsRequestsWithoutTheInternalToken() async throws {
        let redis = try RedisServerProcess()
        try redis.start()
        try await redis.waitUntilReady(timeout: .seconds(10))
        let dataDirectory = try Self.temporaryDirectory()
        var environment = Self.environment(redisURL: redis.url, dataDirectory: dataDirectory)
        let port = freeTCPPort()
        environment["HTTP_PORT"] = String(port)
        let sender = try ServiceProcess(name: "sender", port: port, environment: environment, logDirectory: dataDirectory)
        try sender.start()
        try await Self.waitFor("http://127.0.0.1:\(port)/health", status: 200, within: .seconds(30))

        let anonymous = await Self.status("http://127.0.0.1:\(port)/sms/queue/stats")
        #expect(anonymous?.0 == 401)
        #expect(anonymous?.1.contains(#""detail""#) == true)
        let wrong = await Self.status("http://127.0.0.1:\(port)/sms/queue/stats", headers: [("X-Internal-Token", "nope")])
        #expect(wrong?.0 == 401)
        let unknown = await Self.status("http://127.0.0.1:\(port)/no-such-route", headers: [("X-Internal-Token", "test-internal-token")])
        #expect(unknown?.0 == 404)
        #expect(unknown?.1 == #"{"detail":"Not Found"}"#)
        #expect(try await sender.terminate() == 0)
        redis.stop()
    }
}
