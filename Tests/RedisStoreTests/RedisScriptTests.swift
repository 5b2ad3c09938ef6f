import RedisStore
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RedisScriptTests {
    @Test func computesTheSHA1RedisUses() {
        // `redis-cli SCRIPT LOAD "return 1"` answers this digest.
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }

    @Test func runsAScriptWithKeysAndArguments() async throws {
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        try await withRedisClient { redis in
            let key = TestRedis.key("script")
            let first = try await redis.eval(script, keys: [key], arguments: ["5"])
            let second = try await redis.eval(script, keys: [key], arguments: ["7"])
            #expect(first == .integer(5))
            #expect(second == .integer(12))
        }
    }

    @Test func loadsTheScriptAgainAfterScriptFlush() async throws {
        let script = RedisScript("return {KEYS[1], ARGV[1], 'flush-test'}")
        try await withRedisClient { redis in
            let key = TestRedis.key("flushed")
            _ = try await redis.command("SCRIPT", "FLUSH")
            #expect(try await redis.command("SCRIPT", "EXISTS", script.sha1) == .array([.integer(0)]))
            let reply = try await redis.eval(script, keys: [key], arguments: ["a b"])
            #expect(reply == .array([.string(key), .string("a b"), .string("flush-test")]))
            #expect(try await redis.command("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))
        }
    }

    @Test func throwsServerErrorWhenTheScriptFails() async throws {
        let script = RedisScript("return redis.error_reply('BOOM from lua')")
        try await withRedisClient { redis in
            await #expect(throws: RedisError.server("BOOM from lua")) {
                try await redis.eval(script, keys: [], arguments: [])
            }
        }
    }
}
