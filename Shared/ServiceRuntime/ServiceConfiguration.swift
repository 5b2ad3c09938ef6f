import Foundation
import Logging
import RedisStore
import WireModels

/// The configuration every process reads (contract: "Configuration").
package struct ServiceConfiguration: Sendable {
    /// Which process this is.
    package var service: ServiceName
    /// Parsed `REDIS_URL`, with `REDIS_POOL_SIZE`.
    package var redis: RedisConfiguration
    /// `DATA_DIR`: where the process keeps `<process>.sqlite`.
    package var dataDirectory: String
    /// `HTTP_HOST`.
    package var host: String
    /// `HTTP_PORT`.
    package var port: Int
    /// `LOG_LEVEL`.
    package var logLevel: Logger.Level
    /// `INTERNAL_TOKEN`: shared secret between services.
    package var internalToken: String
    /// `SECRETS_KEY`: 32 bytes that encrypt provider credentials at rest.
    package var secretsKey: [UInt8]

    /// The SQLite file of this process.
    package var databasePath: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("\(service.rawValue).sqlite").path
    }

    /// Reads the shared variables; throws a `ConfigurationError` naming the first bad one.
    package init(service: ServiceName, environment: EnvironmentReader) throws {
        self.service = service
        let redisURL = environment.string("REDIS_URL", default: "redis://127.0.0.1:6379/0")
        do {
            self.redis = try RedisConfiguration(url: redisURL)
        } catch {
            throw ConfigurationError.invalid(variable: "REDIS_URL", reason: "\(error)")
        }
        self.redis.poolSize = try environment.int("REDIS_POOL_SIZE", default: 8, in: 1...256)
        self.dataDirectory = environment.string("DATA_DIR", default: "./data")
        self.host = environment.string("HTTP_HOST", default: "127.0.0.1")
        self.port = try environment.int("HTTP_PORT", default: service.defaultPort, in: 0...65535)
        self.logLevel = try environment.logLevel("LOG_LEVEL", default: .info)
        self.internalToken = try environment.required("INTERNAL_TOKEN")
        self.secretsKey = try environment.base64Key("SECRETS_KEY", byteCount: 32)
    }
}
