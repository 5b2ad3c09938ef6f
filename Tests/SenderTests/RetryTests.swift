import Foundation
import ProviderSandboxKit
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct RetryTests {
        @Test func retriesThrottledSendHonouringRetryAfter() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: MagicNumber.throttledOnce.e164, organizationID: organizationID)
                let fields = try await harness.waitForStatus(envelope.messageID!, "sent", timeout: .seconds(5))
                #expect(fields["attempts"] == "2")
                let received = harness.received(from: number)
                try #require(received.count == 2)
                #expect(received[0].httpStatus == 429)
                #expect(received[1].httpStatus == 201)
                // The sandbox says Retry-After: 1; the backoff alone would be at most 200 ms here.
                #expect(received[1].receivedAt - received[0].receivedAt >= 990)
                let events = try await harness.events(envelope.messageID!)
                #expect(events.map(\.type) == [.queued, .sending, .retrying, .sending, .sent])
                #expect(events[2].errorCode == "20429")
                #expect(events.map(\.attempt) == [nil, 1, 1, 2, 2])
            }
        }

        @Test func invalidNumberFailsWithTheProvidersCode() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender(provider: "telnyx")
                let envelope = try await harness.enqueue(
                    from: number, to: MagicNumber.invalidNumber.e164, organizationID: organizationID, provider: "telnyx")
                let fields = try await harness.waitForStatus(envelope.messageID!, "failed")
                #expect(fields["error_code"] == "40310")
                #expect(fields["error"]?.isEmpty == false)
                #expect(harness.received(from: number).count == 1)
                let failed = try #require(try await harness.events(envelope.messageID!).last)
                #expect(failed.type == .failed && failed.errorCode == "40310")
                // Permanent errors are not dead letters: nothing ran out.
                #expect(try await harness.payloads(RedisKey.deadLetters(provider: "telnyx")).isEmpty)
                let status = try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: organizationID)
                #expect(try SenderHarness.decode(MessageStatusResponse.self, status.body).error == fields["error"])
            }
        }

        @Test func serverErrorsPastMaxAttemptsLandInTheDeadLetters() async throws {
            try await SenderHarness.run(environment: ["SEND_MAX_ATTEMPTS": "3"]) { harness in
                let (organizationID, number) = try await harness.addSender(provider: "vonage")
                let envelope = try await harness.enqueue(
                    from: number, to: MagicNumber.alwaysServerError.e164, organizationID: organizationID, provider: "vonage")
                let fields = try await harness.waitForStatus(envelope.messageID!, "failed")
                #expect(fields["attempts"] == "3")
                #expect(harness.received(from: number).count == 3)
                let letters = try await harness.payloads(RedisKey.deadLetters(provider: "vonage"))
                try #require(letters.count == 1)
                let letter = try SenderHarness.decode(DeadLetter.self, letters[0])
                #expect(letter.messageID == envelope.messageID)
                #expect(letter.attempts == 3)
                #expect(letter.reason.hasPrefix("gave up after 3 attempts"))
                let types = try await harness.events(envelope.messageID!).map(\.type)
                #expect(types == [.queued, .sending, .retrying, .sending, .retrying, .sending, .failed])
                #expect(try await harness.redis.command("ZCARD", RedisKey.retries(provider: "vonage")).int == 0)
            }
        }

        @Test func backoffUsesFullJitterUnderAnExponentialCeiling() {
            let backoff = Backoff(base: .seconds(1), max: .seconds(300))
            #expect(backoff.delay(afterAttempt: 1, unit: 1) == .seconds(1))
            #expect(backoff.delay(afterAttempt: 3, unit: 1) == .seconds(4))
            #expect(backoff.delay(afterAttempt: 3, unit: 0.5) == .seconds(2))
            #expect(backoff.delay(afterAttempt: 3, unit: 0) == .zero)
            #expect(backoff.delay(afterAttempt: 20, unit: 1) == .seconds(300))
            #expect(backoff.delay(afterAttempt: 1, retryAfter: .seconds(5), unit: 0.2) == .seconds(5))
        }
    }
}
