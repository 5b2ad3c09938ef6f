import Foundation
import ProviderSandboxKit
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct PacingTests {
        /// What a token bucket of rate `r` per second and burst `b` lets through in any one-second
        /// window: `r + b`. (Grants are exactly 1/r apart; a grant at each end of a window, and
        /// arrival jitter at the sandbox, make the `+ b`.)
        static func bucketAllowance(rate: Int, burst: Int = 1) -> Int { rate + burst }

        /// The most messages in any window `(t - 1000 ms, t]`.
        static func busiestSecond(_ times: [Double]) -> Int {
            let sorted = times.sorted()
            var best = 0
            var start = 0
            for end in sorted.indices {
                while sorted[end] - sorted[start] >= 1000 { start += 1 }
                best = max(best, end - start + 1)
            }
            return best
        }

        @Test func pacesOneNumberAtItsConfiguredRate() async throws {
            try await SenderHarness.run(environment: ["TWILIO_RATE_PER_NUMBER": "10"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let started = ContinuousClock.now
                for index in 0..<20 {
                    try await harness.enqueue(from: number, to: "+1415555\(String(format: "%04d", index))", organizationID: organizationID)
                }
                let allSent = await eventually(timeout: .seconds(5)) { harness.received(from: number).count == 20 }
                #expect(allSent)
                let elapsed = ContinuousClock.now - started
                let times = harness.received(from: number).map(\.receivedAt)
                #expect(Self.busiestSecond(times) <= Self.bucketAllowance(rate: 10))
                // Burst 1 at 10/s: 20 messages need at least 1.9 s.
                #expect(elapsed >= .milliseconds(1850))
                #expect(elapsed < .seconds(4))
            }
        }

        @Test func pacesAnAccountAcrossItsNumbers() async throws {
            try await SenderHarness.run(environment: ["TELNYX_RATE_PER_ACCOUNT": "10"]) { harness in
                let organizationID = try await harness.addOrganization()
                let numbers = [SenderHarness.randomNumber(), SenderHarness.randomNumber()]
                for number in numbers {
                    try await harness.addNumber(number, organizationID: organizationID, provider: "telnyx")
                    for index in 0..<8 {
                        try await harness.enqueue(
                            from: number, to: "+1415556\(String(format: "%04d", index))", organizationID: organizationID,
                            provider: "telnyx")
                    }
                }
                let allSent = await eventually(timeout: .seconds(5)) {
                    numbers.map { harness.received(from: $0).count }.reduce(0, +) == 16
                }
                #expect(allSent)
                let times = numbers.flatMap { harness.received(from: $0).map(\.receivedAt) }
                #expect(Self.busiestSecond(times) <= Self.bucketAllowance(rate: 10))
            }
        }

        @Test func accountBucketNamesNeverContainASecret() {
            let twilio = ProviderAccount(provider: "twilio", credentials: TestAccounts.all)
            #expect(twilio?.accountID == TestAccounts.twilioSID)
            let telnyx = try! #require(ProviderAccount(provider: "telnyx", credentials: TestAccounts.all))
            #expect(telnyx.accountID.count == 16)
            #expect(!telnyx.accountID.contains(TestAccounts.telnyxKey))
            #expect(ProviderAccount.fingerprint("abc") == "ba7816bf8f01cfea")
        }
    }
}
