import RedisStore
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RedisClientTests {
    @Test func setsAndGetsStringsAndReturnsNullForMissingKeys() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("plain")
            #expect(try await redis.command("SET", key, "hello") == .string("OK"))
            #expect(try await redis.command("GET", key) == .string("hello"))
            let missing = try await redis.command("GET", TestRedis.key("missing"))
            #expect(missing.isNull)
            #expect(missing.string == nil)
        }
    }

    @Test func returnsIntegerReplies() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("counter")
            #expect(try await redis.command("INCR", key) == .integer(1))
            #expect(try await redis.command("INCRBY", key, "41").int == 42)
            // GET returns the counter as a string; `int` parses it.
            let stored = try await redis.command("GET", key)
            #expect(stored == .string("42"))
            #expect(stored.int == 42)
        }
    }

    @Test func returnsArrayReplies() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("list")
            _ = try await redis.command(["RPUSH", key, "a", "b", "c"])
            let range = try await redis.command("LRANGE", key, "0", "-1")
            #expect(range == .array([.string("a"), .string("b"), .string("c")]))
            #expect(range.array?.count == 3)
            let empty = try await redis.command("LRANGE", TestRedis.key("none"), "0", "-1")
            #expect(empty == .array([]))
        }
    }

    @Test func throwsServerErrorForAnErrorReply() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("wrongtype")
            _ = try await redis.command("SET", key, "text")
            let error = await #expect(throws: RedisError.self) {
                try await redis.command("LPUSH", key, "x")
            }
            guard case .server(let message) = error else {
                Issue.record("expected a server error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("WRONGTYPE"))
            // The connection is still good after an error reply.
            #expect(try await redis.command("GET", key) == .string("text"))
        }
    }

    @Test func roundTripsBinarySafeValues() async throws {
        try await withRedisClient { redis in
            let key = TestRedis.key("binary key with spaces\r\nand a newline")
            let value = "line one\r\nline two\n  spaced  \u{0}nul ünïcødé 漢字 🚀 $3\r\nfoo"
            _ = try await redis.command("SET", key, value)
            #expect(try await redis.command("GET", key) == .string(value))
            #expect(try await redis.command("STRLEN", key) == .integer(value.utf8.count))
            #expect(try await redis.command("SET", TestRedis.key("empty"), "") == .string("OK"))
        }
    }

    @Test func countsConcurrentIncrementsExactly() async throws {
        try await withRedisClient(try TestRedis.configuration(poolSize: 4)) { redis in
            let key = TestRedis.key("concurrent")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 {
                    group.addTask { _ = try await redis.command("INCR", key) }
                }
                try await group.waitForAll()
            }
            #expect(try await redis.command("GET", key).int == 200)
        }
    }

    @Test func answersPing() async throws {
        try await withRedisClient { redis in
            try await redis.ping()
        }
    }

    @Test func rejectsAnEmptyCommandWithoutSendingIt() async throws {
        try await withRedisClient { redis in
            await #expect(throws: RedisError.server("ERR empty command")) {
                try await redis.command([])
            }
            try await redis.ping()
        }
    }

    @Test func rejectsCommandsAfterShutdown() async throws {
        let redis = RedisClient(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        try await redis.ping()
        await redis.shutdown()
        await redis.shutdown()
        await #expect(throws: RedisError.shutdown) {
            try await redis.ping()
        }
    }

    @Test func runClosesThePoolWhenCancelled() async throws {
        let redis = RedisClient(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        try await redis.ping()
        let service = Task { try await redis.run() }
        service.cancel()
        try await service.value
        await #expect(throws: RedisError.shutdown) {
            try await redis.ping()
        }
    }

    @Test func concurrentCallsShareRoundTripsAndEachGetsItsOwnReply() async throws {
        try await withRedisClient(try TestRedis.configuration(poolSize: 1)) { redis in
            let list = TestRedis.key("autopipeline-list")
            let counter = TestRedis.key("autopipeline-counter")
            let before = redis.statistics
            // The only connection is busy for ~300 ms; everything issued meanwhile queues up.
            async let blocked = redis.command("BLPOP", list, "0.3")
            try await Task.sleep(for: .milliseconds(50))
            let replies = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<200 {
                    group.addTask { (index, try await redis.command("INCR", counter).int ?? -1) }
                }
                group.addTask { (-1, try await redis.pipeline([["SET", "\(counter):p", "x"], ["GET", "\(counter):p"]]).count) }
                return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
            }
            #expect(try await blocked == .null)
            let after = redis.statistics
            // Every INCR got its own reply: the 200 values are 1...200, each once.
            #expect(Set((0..<200).compactMap { replies[$0] }) == Set(1...200))
            #expect(replies[-1] == 2)
            #expect(after.calls - before.calls == 202)
            #expect(after.roundTrips - before.roundTrips <= 5, "201 calls queued behind one blocking call took \(after.roundTrips - before.roundTrips) round trips")
        }
    }

    @Test func timesOutASlowReplyAndRecovers() async throws {
        var configuration = try TestRedis.configuration(poolSize: 1)
        configuration.commandTimeout = .milliseconds(300)
        try await withRedisClient(configuration) { redis in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: RedisError.self) {
                // The server holds the reply for 3 s, longer than the command timeout.
                try await redis.command("BLPOP", TestRedis.key("never"), "3")
            }
            #expect(clock.now - start < .seconds(2))
            guard case .connectionLost(let reason) = error else {
                Issue.record("expected connectionLost, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("no reply within"))
            // The next call reconnects by itself.
            try await redis.ping()
        }
    }

    @Test func convenienceAccessorsReadTheRightCases() {
        #expect(RedisValue.string("17").int == 17)
        #expect(RedisValue.string("x").int == nil)
        #expect(RedisValue.integer(3).int == 3)
        #expect(RedisValue.integer(3).string == nil)
        #expect(RedisValue.null.isNull)
        #expect(!RedisValue.string("").isNull)
        #expect(RedisValue.array([.null]).array == [.null])
        #expect(RedisValue.error("ERR x").errorMessage == "ERR x")
    }
}
