import RedisStore
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RedisStreamsTests {
    @Test func xaddReturnsTheIDAndTrimsWithApproximateMaxLength() async throws {
        try await withRedisClient { redis in
            let stream = TestRedis.key("trimmed")
            let explicit = try await redis.xadd(stream, fields: [("n", "0")], id: "1-1")
            #expect(explicit == "1-1")
            for index in 1..<1000 {
                _ = try await redis.xadd(stream, fields: [("n", String(index))], maxLength: 10)
            }
            let length = try await redis.command("XLEN", stream).int ?? -1
            // `~` trims whole macro nodes (100 entries by default), so a little more than 10 stays.
            #expect(length >= 10)
            #expect(length <= 200)
        }
    }

    @Test func xgroupCreateTwiceIsNotAnError() async throws {
        try await withRedisClient { redis in
            let stream = TestRedis.key("group-twice")
            try await redis.xgroupCreate(stream, group: "workers")
            try await redis.xgroupCreate(stream, group: "workers")
            let groups = try await redis.command("XINFO", "GROUPS", stream)
            #expect(groups.array?.count == 1)
        }
    }

    @Test func xreadgroupDeliversNewEntriesOnceAndRereadsPendingOnes() async throws {
        try await withRedisClient { redis in
            let stream = TestRedis.key("read")
            try await redis.xgroupCreate(stream, group: "g", startID: "0")
            let id = try await redis.xadd(stream, fields: [("to", "+15550001"), ("body", "hi there\nsecond line")])
            let first = try await redis.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 10, block: nil)
            #expect(first == [RedisStreamEntry(stream: stream, id: id, fields: ["to": "+15550001", "body": "hi there\nsecond line"])])
            let again = try await redis.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 10, block: nil)
            #expect(again.isEmpty)
            let pending = try await redis.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 10, block: nil, ids: ["0"])
            #expect(pending.map(\.id) == [id])
        }
    }

    @Test func blockingXreadgroupReturnsAnEntryAddedAfterTheCallStarted() async throws {
        let stream = TestRedis.key("blocking")
        // The blocking reader owns its client, as a consumer loop would.
        try await withRedisClient(try TestRedis.configuration(poolSize: 1)) { consumer in
            try await withRedisClient { producer in
                try await producer.xgroupCreate(stream, group: "g")
                let clock = ContinuousClock()
                let start = clock.now
                async let read = consumer.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 1, block: .seconds(5))
                try await Task.sleep(for: .milliseconds(300))
                let id = try await producer.xadd(stream, fields: [("k", "v")])
                let entries = try await read
                #expect(entries.map(\.id) == [id])
                #expect(clock.now - start < .seconds(4))
            }
        }
    }

    @Test func blockingXreadgroupReturnsNothingAfterTheBlockTime() async throws {
        try await withRedisClient { redis in
            let stream = TestRedis.key("quiet")
            try await redis.xgroupCreate(stream, group: "g")
            let clock = ContinuousClock()
            let start = clock.now
            let entries = try await redis.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 5, block: .milliseconds(400))
            let elapsed = clock.now - start
            #expect(entries.isEmpty)
            #expect(elapsed >= .milliseconds(350))
            #expect(elapsed < .seconds(3))
        }
    }

    @Test func blockingReadUsesALongerSocketTimeoutThanTheCommandTimeout() async throws {
        var configuration = try TestRedis.configuration(poolSize: 1)
        configuration.commandTimeout = .milliseconds(200)
        try await withRedisClient(configuration) { redis in
            let stream = TestRedis.key("long-block")
            try await redis.xgroupCreate(stream, group: "g")
            let entries = try await redis.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 1, block: .seconds(1))
            #expect(entries.isEmpty)
            // The command timeout is back in force for the next call on the same connection.
            await #expect(throws: RedisError.self) {
                try await redis.command("BLPOP", TestRedis.key("never"), "2")
            }
        }
    }

    @Test func blockingReadOnItsOwnClientDoesNotStarveOtherCommands() async throws {
        let stream = TestRedis.key("starve")
        try await withRedisClient(try TestRedis.configuration(poolSize: 1)) { consumer in
            try await withRedisClient { redis in
                try await redis.xgroupCreate(stream, group: "g")
                async let read = consumer.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 1, block: .seconds(4))
                try await Task.sleep(for: .milliseconds(100))
                let clock = ContinuousClock()
                let start = clock.now
                let key = TestRedis.key("busy")
                for _ in 0..<20 {
                    _ = try await redis.command("INCR", key)
                }
                // Well before the blocked read returns: it did not hold the commands up.
                #expect(clock.now - start < .seconds(3))
                #expect(try await redis.command("GET", key).int == 20)
                #expect(try await read.isEmpty)
            }
        }
    }

    @Test func xackAndXpendingTrackDeliveredEntries() async throws {
        try await withRedisClient { redis in
            let stream = TestRedis.key("pending")
            try await redis.xgroupCreate(stream, group: "g")
            var ids: [String] = []
            for index in 0..<3 {
                ids.append(try await redis.xadd(stream, fields: [("n", String(index))]))
            }
            let empty = try await redis.xpendingSummary(stream, group: "g")
            #expect(empty == RedisPendingSummary(count: 0, smallestID: nil, largestID: nil, consumers: [:]))

            _ = try await redis.xreadgroup(group: "g", consumer: "c1", streams: [stream], count: 2, block: nil)
            _ = try await redis.xreadgroup(group: "g", consumer: "c2", streams: [stream], count: 2, block: nil)
            let summary = try await redis.xpendingSummary(stream, group: "g")
            #expect(summary == RedisPendingSummary(count: 3, smallestID: ids[0], largestID: ids[2], consumers: ["c1": 2, "c2": 1]))

            let range = try await redis.xpending(stream, group: "g", count: 10)
            #expect(range.map(\.id) == ids)
            #expect(range.map(\.consumer) == ["c1", "c1", "c2"])
            #expect(range.allSatisfy { $0.deliveries == 1 && $0.idle >= .zero })
            let mine = try await redis.xpending(stream, group: "g", count: 10, consumer: "c2")
            #expect(mine.map(\.id) == [ids[2]])
            let idle = try await redis.xpending(stream, group: "g", count: 10, minIdle: .seconds(60))
            #expect(idle.isEmpty)

            #expect(try await redis.xack(stream, group: "g", ids: [ids[0], ids[1]]) == 2)
            #expect(try await redis.xack(stream, group: "g", ids: [ids[0]]) == 0)
            #expect(try await redis.xack(stream, group: "g", ids: []) == 0)
            let after = try await redis.xpendingSummary(stream, group: "g")
            #expect(after.count == 1)
            #expect(after.consumers == ["c2": 1])
        }
    }

    @Test func xautoclaimMovesAnIdlePendingEntryToAnotherConsumer() async throws {
        try await withRedisClient { redis in
            let stream = TestRedis.key("autoclaim")
            try await redis.xgroupCreate(stream, group: "g")
            let id = try await redis.xadd(stream, fields: [("job", "1")])
            let gone = try await redis.xadd(stream, fields: [("job", "2")])
            _ = try await redis.xreadgroup(group: "g", consumer: "dead", streams: [stream], count: 10, block: nil)
            _ = try await redis.command("XDEL", stream, gone)

            // Nothing is idle long enough yet, but the deleted entry is reported (and dropped) at once.
            let tooSoon = try await redis.xautoclaim(stream, group: "g", consumer: "alive", minIdle: .seconds(60), count: 10)
            #expect(tooSoon.entries.isEmpty)
            #expect(tooSoon.deletedIDs == [gone])

            try await Task.sleep(for: .milliseconds(100))
            let claimed = try await redis.xautoclaim(stream, group: "g", consumer: "alive", minIdle: .milliseconds(50), count: 10)
            #expect(claimed.entries == [RedisStreamEntry(stream: stream, id: id, fields: ["job": "1"])])
            #expect(claimed.deletedIDs.isEmpty)
            #expect(claimed.nextStart == "0-0")

            let pending = try await redis.xpending(stream, group: "g", count: 10)
            #expect(pending.map(\.consumer) == ["alive"])
            #expect(pending.first?.deliveries == 2)
        }
    }
}
