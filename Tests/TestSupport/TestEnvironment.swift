import Foundation

/// What the test run was given from outside: today, where the shared Redis is.
public enum TestEnvironment {
    /// The shared test Redis, from `REDIS_URL`.
    ///
    /// - Throws: ``TestEnvironmentError/redisURLMissing`` when `REDIS_URL` is unset or empty, so
    ///   a test that needs Redis fails instead of silently skipping.
    public static func redisURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else {
            throw TestEnvironmentError.redisURLMissing
        }
        return url
    }
}

/// Why the test environment is not usable.
public enum TestEnvironmentError: Error, CustomStringConvertible, LocalizedError {
    /// `REDIS_URL` is not set.
    case redisURLMissing

    public var description: String {
        switch self {
        case .redisURLMissing:
            "REDIS_URL is not set: run scripts/test, which starts a private redis-server"
        }
    }

    public var errorDescription: String? { self.description }
}
