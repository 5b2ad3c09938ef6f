import Foundation
import Testing

extension ChaosTests {
    /// Three sender processes share the token buckets in Redis: a number's rate and a provider
    /// account's rate hold for all of them together, measured on the sandbox's receive clock.
    @Suite struct PacingAcrossReplicasTests {
        static let rate = 10.0
        /// `SENDER_PACING_BURST`: the bucket's capacity.
        static let burst = 1.0
        /// Enough messages to keep each bucket busy for 30 s: the first uses the full bucket, then one every 100 ms.
        static let perSeries = 301

        /// The most timestamps (ms) in any window `(t − 1000, t]`.
        static func maxPerSecond(_ times: [Double]) -> Int { busiestWindow(times).count }

        /// The busiest window `(t − 1000, t]`: how many, and when it starts, in seconds after the first arrival.
        static func busiestWindow(_ times: [Double]) -> (count: Int, offset: Double) {
            let sorted = times.sorted()
            var start = 0
            var most = (count: 0, offset: 0.0)
            for end in sorted.indices {
                while sorted[end] - sorted[start] >= 1000 { start += 1 }
                if end - start + 1 > most.count { most = (end - start + 1, (sorted[start] - sorted[0]) / 1000) }
            }
            return most
        }

        /// Messages per second from the first arrival to the last.
        static func average(_ times: [Double]) -> Double {
            let sorted = times.sorted()
            guard let first = sorted.first, let last = sorted.last, last > first else { return 0 }
            return Double(sorted.count - 1) * 1000 / (last - first)
        }

        @Test func threeSendersTogetherHoldANumbersRateAndAnAccountsRateFor30Seconds() async throws {
            // Twilio: one number at 10/s, no account limit. Telnyx: ten numbers without a
            // number limit, sharing one account at 10/s.
            var environment = ChaosTests.unpaced
            environment["TWILIO_RATE_PER_NUMBER"] = String(Self.rate)
            environment["TELNYX_RATE_PER_ACCOUNT"] = String(Self.rate)
            environment["SENDER_PACING_BURST"] = String(Self.burst)
            let stack = try await ChaosStack(numbers: ["twilio": 1, "telnyx": 10], environment: environment)
            let numbers = stack.numbers
            let twilioNumber = numbers["twilio"]![0]
            // The three senders are up before the load, as in production: a sender process
            // starting beside a running one costs it CPU, and a late slot is a lost slot. Queuing
            // 602 sends at 400/s is light next to that.
            for replica in 1...3 {
                try await stack.startSender("sender-\(replica)")
            }
            let load = LoadStream(stack: stack, count: 2 * Self.perSeries, rate: 400)
            let results = await load.run { index in
                index.isMultiple(of: 2)
                    ? LoadStream.Send(index: index, from: twilioNumber)
                    : LoadStream.Send(index: index, from: numbers["telnyx"]![(index / 2) % 10])
            }
            let accepted = results.filter(\.accepted)
            let arrivals = try await stack.arrivals(within: .seconds(60)) { $0.count >= accepted.count }
            let twilio = arrivals.filter { $0.provider == "twilio" }.map(\.receivedAt)
            let telnyx = arrivals.filter { $0.provider == "telnyx" }.map(\.receivedAt)
            let allowed = Int(Self.rate + Self.burst)
            let twilioMax = Self.maxPerSecond(twilio)
            let telnyxMax = Self.maxPerSecond(telnyx)
            let twilioAverage = Self.average(twilio)
            let telnyxAverage = Self.average(telnyx)
            let span = { (times: [Double]) in ((times.max() ?? 0) - (times.min() ?? 0)) / 1000 }
            let report = """
                pacing, 3 senders: number at \(Self.rate)/s: \(twilio.count) messages in \(String(format: "%.2f", span(twilio))) s, \
                max \(twilioMax) in any 1 s window (at +\(String(format: "%.1f", Self.busiestWindow(twilio).offset)) s), average \(String(format: "%.3f", twilioAverage))/s; \
                account at \(Self.rate)/s over 10 numbers: \(telnyx.count) messages in \(String(format: "%.2f", span(telnyx))) s, \
                max \(telnyxMax) in any 1 s window (at +\(String(format: "%.1f", Self.busiestWindow(telnyx).offset)) s), average \(String(format: "%.3f", telnyxAverage))/s (allowed per window: \(allowed))
                """
            print(report)
            let logs = stack.logs(lines: 15)

            #expect(accepted.count == results.count, "\(results.filter { !$0.accepted }.prefix(3))")
            #expect(arrivals.count == accepted.count, "\(arrivals.count) arrivals for \(accepted.count) accepted\n\(logs)")
            #expect(Set(arrivals.map(\.body)).count == arrivals.count, "a message arrived twice")
            #expect(arrivals.allSatisfy { (200..<300).contains($0.httpStatus) }, "the sandbox rejected a send")
            #expect(twilioMax <= allowed, "number bucket exceeded: \(report)")
            #expect(telnyxMax <= allowed, "account bucket exceeded: \(report)")
            #expect(abs(twilioAverage - Self.rate) / Self.rate <= 0.02, "\(report)")
            #expect(abs(telnyxAverage - Self.rate) / Self.rate <= 0.02, "\(report)")
            // All three replicas read both queues, so the limits really were shared.
            for provider in ["twilio", "telnyx"] {
                let consumers = try await stack.withRedis { try await $0.command(["XINFO", "CONSUMERS", "sms:queue:\(provider)", "sender"]) }
                #expect(consumers.array?.count == 3, "consumers of sms:queue:\(provider): \(consumers)")
            }
            await stack.stop()
        }
    }
}
