import Foundation
import Testing

extension ChaosTests {
    /// SIGKILL of Redis (`appendonly yes`, `appendfsync always`) in the middle of a steady stream.
    @Suite struct RedisCrashTests {
        @Test func noMessageThatGotA200IsLostWhenRedisIsKilledAndRestartedMidStream() async throws {
            let stack = try await ChaosStack(numbers: ["twilio": 1, "telnyx": 1, "vonage": 1], environment: ChaosTests.unpaced)
            try await stack.startSender("sender")
            // 600 sends at 100/s; even ones keyed, and a keyed client sends again after an error.
            let (load, plan) = LoadStream.mixedKeyed(stack: stack, count: 600, rate: 100)
            async let stream = load.run(plan)
            try await Task.sleep(for: .milliseconds(2000))
            let redisPID = stack.redis.processIdentifier
            stack.redis.kill()
            try await Task.sleep(for: .milliseconds(1000))
            try stack.redis.start()
            try await stack.redis.waitUntilReady(timeout: .seconds(20))
            let results = await stream

            let accepted = results.filter(\.accepted)
            let ids = accepted.compactMap(\.messageID)
            let statuses = try await waitUntilSent(stack, ids, timeout: .seconds(40))
            try await Task.sleep(for: .milliseconds(500))
            let arrivals = try await stack.arrivals()
            let counts = arrivalCounts(arrivals)
            let resendsField = try await stack.statusField("resends", of: ids)
            let resends = try await stack.resendCount()

            let refused = results.filter { !$0.accepted }
            let missing = accepted.filter { counts[$0.body, default: 0] == 0 }
            let duplicated = accepted.filter { counts[$0.body, default: 0] > 1 }
            let keyed = results.filter { $0.send.key != nil }
            let keyedRetried = keyed.filter { $0.attempts.count > 1 }
            let unkeyedErrorsSent = refused.filter { $0.send.key == nil && counts[$0.body, default: 0] > 0 }
            let notSent = ids.filter { statuses[$0] != "sent" }
            let report = """
                redis kill -9 (pid \(redisPID.map(String.init) ?? "?")): \(results.count) sends, \(accepted.count) accepted, \
                \(refused.count) refused (\(Dictionary(grouping: refused, by: { $0.status.map(String.init) ?? "no answer" }).mapValues(\.count))), \
                \(keyedRetried.count) keyed sends retried by the client, \(unkeyedErrorsSent.count) unkeyed sends answered with an error \
                but sent anyway, \(resends) re-sent, \(duplicated.count) duplicated, \(missing.count) missing, \(notSent.count) not sent
                """
            print(report)
            let logs = stack.logs()

            #expect(!refused.isEmpty, "the outage should have refused some sends; did the kill happen? \(report)")
            #expect(missing.isEmpty, "a 200 was lost: \(missing.prefix(5).map { "\($0.body) \($0.messageID ?? "")" })\n\(report)\n\(logs)")
            #expect(notSent.isEmpty, "not sent: \(notSent.prefix(5).map { "\($0): \(statuses[$0] ?? "nil")" })\n\(logs)")
            // A keyed client that retries gets its message through exactly once.
            let keyedRefused = keyed.filter { !$0.accepted }
            #expect(keyedRefused.isEmpty, "keyed sends never accepted: \(keyedRefused.prefix(3))")
            for result in keyed where result.accepted && resendsField[result.messageID ?? "-"] == nil {
                #expect(counts[result.body, default: 0] == 1, "\(result.body) (keyed, \(result.attempts)) arrived \(counts[result.body, default: 0]) times")
            }
            // Any duplicate is a counted re-send of a message in doubt, never a silent one.
            for result in duplicated {
                #expect(counts[result.body]! <= 2, "\(result.body) arrived \(counts[result.body]!) times\n\(logs)")
                #expect(resendsField[result.messageID ?? "-"] == "1", "\(result.body) arrived twice without being counted\n\(logs)")
            }
            #expect(duplicated.count <= resends)
            await stack.stop()
        }
    }
}
