import Foundation
import Testing

extension ChaosTests {
    /// `kill -9` of the sender in the middle of a steady stream of queued sends.
    @Suite struct SenderCrashTests {
        /// The sandbox's `hang` number: it holds its reply for `SANDBOX_HANG_MS`, so a message to it
        /// is certainly in flight (received by the provider, not yet answered) when the sender dies.
        static let hangNumber = "+15550100504"

        @Test func everyAcceptedMessageArrivesAfterASenderKillAndOnlyMessagesInFlightAtTheKillArriveTwice() async throws {
            let stack = try await ChaosStack(
                numbers: ["twilio": 1, "telnyx": 1, "vonage": 1], environment: ChaosTests.unpaced, sandbox: ["SANDBOX_HANG_MS": "2000"])
            try await stack.startSender("sender")
            // 600 sends at 100/s; even ones keyed. Five unkeyed sends to the hang number go out
            // just before the kill at 2.5 s.
            let hangIndices: Set<Int> = [201, 203, 205, 207, 209]
            let tag = stack.tag
            let load = LoadStream(stack: stack, count: 600, rate: 100)
            let numbers = stack.numbers
            async let stream = load.run { index in
                let provider = ChaosTests.providers[index % 3]
                return LoadStream.Send(
                    index: index, from: numbers[provider]![0], to: hangIndices.contains(index) ? Self.hangNumber : "+15557654321",
                    key: index.isMultiple(of: 2) ? "chaos-\(tag)-\(index)" : nil)
            }
            try await Task.sleep(for: .milliseconds(2500))
            try await stack.kill("sender")
            // No sender runs now, so what is `sending` is exactly what was in flight at the kill.
            let inFlight = try await stack.messagesInFlight()
            try await Task.sleep(for: .milliseconds(500))
            try await stack.startSender("sender")
            let results = await stream

            let accepted = results.filter(\.accepted)
            let ids = accepted.compactMap(\.messageID)
            let statuses = try await waitUntilSent(stack, ids, timeout: .seconds(40))
            // Replaying every keyed request (same key, same body) must answer the same message and send nothing.
            var replayMismatches = 0
            for result in accepted where result.send.key != nil {
                let json =
                    #"{"from_phone_number":"\#(result.send.from)","to_phone_number":"\#(result.send.to)","message":"\#(result.body)"}"#
                let replay = await stack.call(.POST, "/sms/send", json, headers: [("Idempotency-Key", result.send.key!)])
                if replay.status != 200 || !replay.body.contains(result.messageID ?? "-") { replayMismatches += 1 }
            }
            try await Task.sleep(for: .milliseconds(500))
            let arrivals = try await stack.arrivals()
            let counts = arrivalCounts(arrivals)
            let resendsField = try await stack.statusField("resends", of: ids)
            let resends = try await stack.resendCount()

            let missing = accepted.filter { counts[$0.body, default: 0] == 0 }
            let duplicated = accepted.filter { counts[$0.body, default: 0] > 1 }
            let duplicates = duplicated.reduce(0) { $0 + counts[$1.body]! - 1 }
            let keyedDuplicated = duplicated.filter { $0.send.key != nil }
            let hangIDs = Set(accepted.filter { hangIndices.contains($0.send.index) }.compactMap(\.messageID))
            let notSent = ids.filter { statuses[$0] != "sent" }
            let report = """
                sender kill -9: \(results.count) sends, \(accepted.count) accepted, \(inFlight.count) in flight at the kill \
                (\(hangIDs.count) held by the hang number), \(resends) re-sent, \(duplicates) duplicate arrivals \
                (\(duplicated.count - keyedDuplicated.count) unkeyed, \(keyedDuplicated.count) keyed messages), \
                \(missing.count) missing, \(notSent.count) not sent
                """
            print(report)
            let logs = stack.logs()

            #expect(accepted.count == results.count, "the gateway and Redis were up the whole time: \(results.filter { !$0.accepted }.prefix(3))")
            #expect(missing.isEmpty, "accepted but never reached the provider: \(missing.prefix(5).map(\.body))\n\(report)\n\(logs)")
            #expect(notSent.isEmpty, "not sent: \(notSent.prefix(5).map { "\($0): \(statuses[$0] ?? "nil")" })\n\(logs)")
            // The resend path was exercised: the hang messages were in flight, and each was re-sent once.
            #expect(hangIDs.isSubset(of: inFlight), "hang messages not in flight at the kill: \(hangIDs.subtracting(inFlight))\n\(logs)")
            #expect(hangIDs.allSatisfy { resendsField[$0] == "1" }, "\(resendsField.filter { hangIDs.contains($0.key) })")
            // Duplicates: only messages in flight at the kill, at most one extra arrival each, every one counted.
            #expect(duplicates <= inFlight.count, "\(report)")
            #expect(resends <= inFlight.count, "\(report)")
            for result in duplicated {
                let id = result.messageID ?? "-"
                #expect(inFlight.contains(id), "\(result.body) arrived \(counts[result.body]!) times but was not in flight at the kill")
                #expect(counts[result.body]! <= 2, "\(result.body) arrived \(counts[result.body]!) times")
                #expect(resendsField[id] == "1", "\(result.body) arrived twice without being counted as a re-send")
            }
            // Keyed messages not in flight at the kill arrive exactly once; a keyed message that
            // was in flight is re-sent with the same provider idempotency key (Telnyx
            // `Idempotency-Key`, Vonage `client_ref` = our message id).
            for result in keyedDuplicated {
                #expect(inFlight.contains(result.messageID ?? "-"))
                let keys = Set(arrivals.filter { $0.body == result.body }.map { $0.idempotencyKey ?? "" })
                #expect(keys.count == 1, "\(result.body) was re-sent under another provider idempotency key: \(keys)")
            }
            #expect(replayMismatches == 0, "keyed replays that did not answer the first message")
            await stack.stop()
        }
    }
}
