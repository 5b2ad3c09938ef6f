import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing
import WireModels

@testable import Gateway

/// A stand-in internal service on a real loopback port that records what reaches it.
final class FakeUpstream: Sendable {
    let port = freeTCPPort()
    let received = Mutex<[HTTPFields]>([])

    func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        router.get("/api/v1/sms-conversations/:id/export") { request, _ in
            self.received.withLock { $0.append(request.headers) }
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv", .contentDisposition: #"attachment; filename="conversation_5.csv""#],
                body: .init(byteBuffer: ByteBuffer(string: "role,content\nuser,hi\n")))
        }
        router.get("/api/v1/sms-logs/big") { request, _ in
            self.received.withLock { $0.append(request.headers) }
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            return Response(status: .ok, body: .init(contentsOf: Array(repeating: chunk, count: 64)))
        }
        router.get("/sms/queue/stats") { request, _ in
            self.received.withLock { $0.append(request.headers) }
            return Response(
                status: .init(code: 418), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"teapot":true}"#)))
        }
        router.get("/api/v1/sms-logs/stalled") { _, _ in
            try await Task.sleep(for: .seconds(4))
            return "too late"
        }
        router.post("/api/v1/sms-sessions/cleanup") { request, _ in
            self.received.withLock { $0.append(request.headers) }
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .created, body: .init(byteBuffer: body))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    }
}

@Suite(.serialized) struct ProxyTests {
    static let redisDatabase = 5

    @Test func forwardedRoutesKeepStatusHeadersAndBodiesAndCarryOnlyInternalIdentity() async throws {
        let upstream = FakeUpstream()
        let base = "http://127.0.0.1:\(upstream.port)"
        let harness = try GatewayHarness(
            redisDatabase: Self.redisDatabase, environment: ["SESSION_MANAGER_URL": base, "LOG_INDEXER_URL": base, "SENDER_URL": base])
        let tenant = try await harness.bootstrap()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await upstream.makeApplication().run() }
            try await Task.sleep(for: .milliseconds(300))
            try await harness.makeApplication().test(.router) { client in
                let export = try await client.send(
                    .get, "/api/v1/sms-conversations/5/export?format=csv", token: tenant.apiKey,
                    headers: [HTTPField.Name("X-Switchboard-Organization-Id")!: "999", HTTPField.Name("X-Internal-Token")!: "forged"])
                #expect(export.status == .ok)
                #expect(export.headers[.contentDisposition] == #"attachment; filename="conversation_5.csv""#)
                #expect(export.headers[.contentType] == "text/csv")
                #expect(export.body == "role,content\nuser,hi\n")
                let seen = try #require(upstream.received.withLock { $0.last })
                #expect(seen[HTTPField.Name("X-Internal-Token")!] == "internal-test-token")
                #expect(seen[HTTPField.Name("X-Switchboard-Organization-Id")!] == String(tenant.organizationID))
                #expect(seen[values: HTTPField.Name("X-Switchboard-Organization-Id")!].count == 1)
                #expect(seen[HTTPField.Name("X-Switchboard-User-Id")!] == String(tenant.userID))
                #expect(seen[.authorization] == nil, "the caller's credential never reaches internal services")

                let big = try await client.send(.get, "/api/v1/sms-logs/big", token: tenant.apiKey)
                #expect(big.status == .ok)
                #expect(big.body.utf8.count == 64 * 64 * 1024)

                let teapot = try await client.send(.get, "/sms/queue/stats", token: tenant.apiKey)
                #expect(teapot.status.code == 418)
                #expect(teapot.body == #"{"teapot":true}"#)

                let echoed = try await client.send(.post, "/api/v1/sms-sessions/cleanup", token: tenant.apiKey, json: #"{"older_than":3600}"#)
                #expect(echoed.status == .created)
                #expect(echoed.body == #"{"older_than":3600}"#)

                #expect(try await client.send(.get, "/api/v1/sms-logs/big").status == .unauthorized)
            }
            group.cancelAll()
        }
    }

    @Test func aServiceThatStallsGets504AfterTheProxyTimeout() async throws {
        let upstream = FakeUpstream()
        let harness = try GatewayHarness(
            redisDatabase: Self.redisDatabase,
            environment: ["LOG_INDEXER_URL": "http://127.0.0.1:\(upstream.port)", "PROXY_TIMEOUT_SECONDS": "1"])
        let tenant = try await harness.bootstrap()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await upstream.makeApplication().run() }
            try await Task.sleep(for: .milliseconds(300))
            try await harness.makeApplication().test(.router) { client in
                let started = ContinuousClock.now
                let reply = try await client.send(.get, "/api/v1/sms-logs/stalled", token: tenant.apiKey)
                #expect(reply.status == .gatewayTimeout)
                #expect(reply.detail == "log-indexer did not answer in time")
                #expect(ContinuousClock.now - started < .seconds(3))
            }
            group.cancelAll()
        }
    }

    @Test func aServiceThatIsDownGets503NamingItPromptly() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            for (path, service) in [
                ("/api/v1/sms-logs/", "log-indexer"), ("/api/v1/sms-conversations/", "session-manager"),
                ("/api/v1/calls", "session-manager"), ("/sms/queue/stats", "sender"), ("/api/v1/sms/abc/logs", "log-indexer"),
            ] {
                let started = ContinuousClock.now
                let reply = try await client.send(.get, path, token: tenant.apiKey)
                #expect(reply.status == .serviceUnavailable, "\(path)")
                #expect(reply.detail == "\(service) is unavailable")
                #expect(ContinuousClock.now - started < .seconds(3))
            }
        }
    }
}
