import RedisStore
import Testing

@Suite struct RedisConfigurationTests {
    @Test func parsesEveryPartOfAFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://app:pa%40ss%2Fword@cache.internal:6380/3")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.database == 3)
        #expect(configuration.username == "app")
        #expect(configuration.password == "pa@ss/word")
    }

    @Test func appliesDefaultsForMissingParts() throws {
        let configuration = try RedisConfiguration(url: "redis://localhost")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.poolSize == 8)
        #expect(configuration.connectTimeout == .seconds(2))
        #expect(configuration.commandTimeout == .seconds(5))
        #expect(try RedisConfiguration(url: "redis://localhost/") == configuration)
    }

    @Test func defaultInitializerPointsAtLocalRedis() {
        let configuration = RedisConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6379)
        #expect(configuration.poolSize == 8)
    }

    @Test func parsesPasswordWithoutUser() throws {
        let configuration = try RedisConfiguration(url: "redis://:secret@127.0.0.1:6390/0")
        #expect(configuration.username == nil)
        #expect(configuration.password == "secret")
        #expect(configuration.port == 6390)
    }

    @Test func parsesBracketedIPv6Host() throws {
        let configuration = try RedisConfiguration(url: "REDIS://[::1]:7000/2")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 7000)
        #expect(configuration.database == 2)
    }

    @Test(arguments: ["http://localhost:6379", "rediss://localhost", "localhost:6379"])
    func rejectsURLsWithoutRedisScheme(url: String) {
        #expect(Self.invalidURLReason(url)?.contains("scheme") == true)
    }

    @Test(arguments: ["redis://localhost:0", "redis://localhost:65536", "redis://localhost:port", "redis://localhost:"])
    func rejectsBadPorts(url: String) {
        #expect(Self.invalidURLReason(url)?.contains("port") == true)
    }

    @Test(arguments: ["redis://localhost/abc", "redis://localhost/-1", "redis://localhost:6379/1x"])
    func rejectsBadDatabases(url: String) {
        #expect(Self.invalidURLReason(url)?.contains("database") == true)
    }

    @Test func rejectsMissingHost() {
        #expect(Self.invalidURLReason("redis://:6379/0")?.contains("host") == true)
    }

    @Test func rejectsUserInfoWithoutColon() {
        #expect(Self.invalidURLReason("redis://secret@localhost")?.contains("user info") == true)
    }

    @Test func rejectsQueryParameters() {
        #expect(Self.invalidURLReason("redis://localhost/0?timeout=3")?.contains("query") == true)
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try RedisConfiguration(url: "redis://app:hunter2@localhost:6380/1")
        #expect(!"\(configuration)".contains("hunter2"))
        #expect(configuration.redactedURL == "redis://app:***@localhost:6380/1")
    }

    /// The reason of the `invalidURL` error `url` throws, or nil if it throws nothing or another error.
    private static func invalidURLReason(_ url: String) -> String? {
        do {
            _ = try RedisConfiguration(url: url)
            return nil
        } catch RedisError.invalidURL(let reason) {
            return reason
        } catch {
            return nil
        }
    }
}
