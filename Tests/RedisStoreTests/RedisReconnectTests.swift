import RedisStore
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RedisReconnectTests {
    @Test func recoversAfterTheServerIsKilledAndRestarted() async throws {
        let server = try await RedisServerProcess.launch()
        var configuration = try RedisConfiguration(url: server.url)
        configuration.poolSize = 4
        configuration.commandTimeout = .seconds(2)
        try await withRedisClient(configuration) { redis in
            // Open every pooled connection.
            try await Self.concurrentIncrements(redis, key: "before", count: 40)
            #expect(try await redis.command("GET", "before").int == 40)

            server.kill()
            let clock = ContinuousClock()
            let start = clock.now
            let lost = await #expect(throws: RedisError.self) {
                try await redis.command("SET", "during", "x")
            }
            #expect(Self.isConnectionError(lost))
            // With the server gone, the next call fails fast at connect.
            let down = await #expect(throws: RedisError.self) {
                try await redis.ping()
            }
            #expect(Self.isConnectionError(down))
            #expect(clock.now - start < .seconds(3))

            try await server.restart()
            let restarted = clock.now
            var recovered = false
            while !recovered && clock.now - restarted < .seconds(5) {
                do {
                    try await redis.ping()
                    recovered = true
                } catch {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(recovered)
            // Connections opened before the restart reconnect instead of failing one by one.
            try await Self.concurrentIncrements(redis, key: "after", count: 40)
            #expect(try await redis.command("GET", "after").int == 40)
        }
    }

    @Test func reconnectsWithoutAnErrorWhenTheServerClosedAnIdleConnection() async throws {
        try await withRedisClient(try TestRedis.configuration(poolSize: 1)) { redis in
            let key = TestRedis.key("killed")
            _ = try await redis.command("SET", key, "kept")
            let id = try await redis.command("CLIENT", "ID")
            try await withRedisClient { admin in
                let killed = try await admin.command("CLIENT", "KILL", "ID", String(id.int ?? -1))
                #expect(killed == .integer(1))
            }
            try await Task.sleep(for: .milliseconds(50))
            // The closed socket is noticed before anything is sent, so this call just reconnects.
            let value = try await redis.command("GET", key)
            #expect(value == .string("kept"))
            #expect(try await redis.command("CLIENT", "ID") != id)
        }
    }

    @Test func failsFastWhenNoServerListens() async throws {
        var configuration = RedisConfiguration(host: "127.0.0.1", port: freeTCPPort())
        configuration.poolSize = 1
        try await withRedisClient(configuration) { redis in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: RedisError.self) {
                try await redis.ping()
            }
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(String(describing: error))")
                return
            }
            #expect(clock.now - start < .seconds(3))
        }
    }

    private static func concurrentIncrements(_ redis: RedisClient, key: String, count: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask { _ = try await redis.command("INCR", key) }
            }
            try await group.waitForAll()
        }
    }

    private static func isConnectionError(_ error: RedisError?) -> Bool {
        switch error {
        case .connectionLost, .connectionFailed: true
        default: false
        }
    }
}
