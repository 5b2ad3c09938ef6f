import RedisStore
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RedisAuthTests {
    @Test func authenticatesAndSelectsTheDatabaseFromTheURL() async throws {
        let server = try await RedisServerProcess.launch(password: "s3cret-pw")
        let key = TestRedis.key("db3")
        try await withRedisClient(try RedisConfiguration(url: server.url(database: 3))) { redis in
            _ = try await redis.command("SET", key, "in three")
            #expect(try await redis.command("GET", key) == .string("in three"))
            #expect(try await redis.command("CLIENT", "INFO").string?.contains(" db=3 ") == true)
        }
        try await withRedisClient(try RedisConfiguration(url: server.url(database: 0))) { redis in
            #expect(try await redis.command("GET", key).isNull)
            _ = try await redis.command("SELECT", "3")
            #expect(try await redis.command("GET", key) == .string("in three"))
        }
        let withUser = try RedisConfiguration(url: "redis://default:s3cret-pw@127.0.0.1:\(server.port)/3")
        try await withRedisClient(withUser) { redis in
            let value = try await redis.command("GET", key)
            #expect(value == .string("in three"))
        }
    }

    @Test func rejectsAWrongPasswordWithAClearError() async throws {
        let server = try await RedisServerProcess.launch(password: "s3cret-pw")
        let configuration = try RedisConfiguration(url: "redis://:not-the-password@127.0.0.1:\(server.port)/0")
        try await withRedisClient(configuration) { redis in
            let error = await #expect(throws: RedisError.self) {
                try await redis.ping()
            }
            guard case .connectionFailed(let reason) = error else {
                Issue.record("expected connectionFailed, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("authentication failed"))
            #expect(reason.contains("WRONGPASS"))
            #expect(!"\(String(describing: error))".contains("not-the-password"))
        }
    }

    @Test func reportsNoAuthWhenThePasswordIsMissing() async throws {
        let server = try await RedisServerProcess.launch(password: "s3cret-pw")
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(server.port)")
        try await withRedisClient(configuration) { redis in
            let error = await #expect(throws: RedisError.self) {
                try await redis.ping()
            }
            guard case .server(let message) = error else {
                Issue.record("expected a server error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("NOAUTH"))
        }
    }
}
