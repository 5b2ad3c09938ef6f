import Foundation
import Logging
import RedisStore
import TestSupport

/// Shared set-up for the Redis tests: clients on the shared test server and unique key names.
enum TestRedis {
    /// A logger with the production label; warnings (connection losses) stay visible.
    static var logger: Logger {
        var logger = Logger(label: "switchboard.redis")
        logger.logLevel = .warning
        return logger
    }

    /// The shared server's configuration, from `REDIS_URL`.
    static func configuration(poolSize: Int = 4) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: TestEnvironment.redisURL())
        configuration.poolSize = poolSize
        return configuration
    }

    /// A key nobody else uses: tests run in parallel against one server.
    static func key(_ name: String) -> String {
        "test:\(UUID().uuidString):\(name)"
    }
}

/// Runs `body` with a client for `configuration` and shuts the client down afterwards.
func withRedisClient(
    _ configuration: RedisConfiguration? = nil,
    _ body: (RedisClient) async throws -> Void
) async throws {
    let client = RedisClient(configuration: try configuration ?? TestRedis.configuration(), logger: TestRedis.logger)
    do {
        try await body(client)
        await client.shutdown()
    } catch {
        await client.shutdown()
        throw error
    }
}
