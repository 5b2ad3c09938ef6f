import RedisStore
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RedisPipelineTests {
    @Test func returnsRepliesInCommandOrder() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("pipeline")
            let replies = try await redis.pipeline([
                ["SET", key, "1"],
                ["INCR", key],
                ["INCRBY", key, "10"],
                ["GET", key],
                ["GET", TestRedis.key("missing")],
            ])
            #expect(replies == [.string("OK"), .integer(2), .integer(12), .string("12"), .null])
        }
    }

    @Test func keepsAnErrorReplyInPlace() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("pipeline-error")
            let replies = try await redis.pipeline([
                ["SET", key, "text"],
                ["INCR", key],
                ["APPEND", key, "!"],
                ["GET", key],
            ])
            #expect(replies.count == 4)
            #expect(replies[0] == .string("OK"))
            #expect(replies[1].errorMessage?.hasPrefix("ERR") == true)
            #expect(replies[2] == .integer(5))
            #expect(replies[3] == .string("text!"))
        }
    }

    @Test func handlesAnEmptyAndALargePipeline() async throws {
        try await withRedisClient { redis in
            #expect(try await redis.pipeline([]) == [])
            let key = TestRedis.key("large")
            let replies = try await redis.pipeline(Array(repeating: ["INCR", key], count: 1000))
            #expect(replies.last == .integer(1000))
            #expect(replies.map(\.int) == Array(1...1000))
        }
    }
}
