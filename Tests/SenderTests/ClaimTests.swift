import Foundation
import ProviderSandboxKit
import RedisStore
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct ClaimTests {
        /// Adds the envelope's entry and hands it to a consumer that then dies, in one transaction,
        /// so the live sender's blocked read never sees it.
        static func leavePendingWithDeadConsumer(_ harness: SenderHarness, _ envelope: QueueEnvelope) async throws {
            let stream = RedisKey.queue(provider: envelope.provider!)
            try await harness.redis.xgroupCreate(stream, group: RedisKey.senderGroup, startID: "0", makeStream: true)
            let replies = try await harness.redis.pipeline([
                ["MULTI"],
                ["XADD", stream, "*", "payload", try SenderHarness.json(envelope)],
                ["XREADGROUP", "GROUP", RedisKey.senderGroup, "dead-consumer", "COUNT", "1", "STREAMS", stream, ">"],
                ["EXEC"],
            ])
            #expect(replies.allSatisfy { $0.errorMessage == nil })
            let pending = try await harness.redis.xpendingSummary(stream, group: RedisKey.senderGroup)
            #expect(pending.consumers["dead-consumer"] == 1)
        }

        @Test func takesOverThePendingEntryOfADeadConsumer() async throws {
            try await SenderHarness.run(environment: ["SENDER_CLAIM_IDLE_SECONDS": "1"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550140", organizationID: organizationID, addToStream: false)
                try await Self.leavePendingWithDeadConsumer(harness, envelope)
                let fields = try await harness.waitForStatus(envelope.messageID!, "sent", timeout: .seconds(5))
                #expect(fields["resends"] == nil)
                #expect(harness.received(from: number).count == 1)
                let pending = try await harness.redis.xpendingSummary(RedisKey.queue(provider: "twilio"), group: RedisKey.senderGroup)
                #expect(pending.count == 0)
            }
        }

        @Test func resendsAMessageFoundSendingOnceAndCountsIt() async throws {
            try await SenderHarness.run(environment: ["SENDER_CLAIM_IDLE_SECONDS": "1"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550141", organizationID: organizationID, addToStream: false)
                // The dead sender had claimed it and was calling the provider.
                _ = try await harness.redis.command("HSET", RedisKey.message(envelope.messageID!), "status", "sending", "attempts", "1")
                try await Self.leavePendingWithDeadConsumer(harness, envelope)
                let fields = try await harness.waitForStatus(envelope.messageID!, "sent", timeout: .seconds(5))
                #expect(fields["resends"] == "1")
                #expect(fields["attempts"] == "2")
                #expect(try await harness.redis.command("GET", RedisKey.resendCounter).int == 1)
                #expect(harness.received(from: number).count == 1)
                #expect(try await harness.events(envelope.messageID!).map(\.type) == [.queued, .sending, .sent])
            }
        }

        @Test func aMessageFoundSendingThatMustWaitForPacingIsSetAsideAndResentOnce() async throws {
            // One message per 4 s on the number: the taken-over message waits longer than a
            // consumer waits inline, so it goes through the retry set.
            try await SenderHarness.run(environment: ["SENDER_CLAIM_IDLE_SECONDS": "1", "TWILIO_RATE_PER_NUMBER": "0.25"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let first = try await harness.enqueue(from: number, to: "+14155550143", organizationID: organizationID)
                _ = try await harness.waitForStatus(first.messageID!, "sent", timeout: .seconds(5))
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550144", organizationID: organizationID, addToStream: false)
                _ = try await harness.redis.command("HSET", RedisKey.message(envelope.messageID!), "status", "sending", "attempts", "1")
                try await Self.leavePendingWithDeadConsumer(harness, envelope)
                let fields = try await harness.waitForStatus(envelope.messageID!, "sent", timeout: .seconds(15))
                #expect(fields["resends"] == "1")
                #expect(harness.received(from: number).filter { $0.to == "+14155550144" }.count == 1)
            }
        }

        @Test func abandonsAMessageThatWasAlreadyResent() async throws {
            try await SenderHarness.run(environment: ["SENDER_CLAIM_IDLE_SECONDS": "1"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550142", organizationID: organizationID, addToStream: false)
                _ = try await harness.redis.command(
                    "HSET", RedisKey.message(envelope.messageID!), "status", "sending", "attempts", "2", "resends", "1")
                try await Self.leavePendingWithDeadConsumer(harness, envelope)
                let fields = try await harness.waitForStatus(envelope.messageID!, "failed", timeout: .seconds(5))
                #expect(fields["error"] == "abandoned after an uncertain send")
                #expect(harness.received(from: number).isEmpty)
                let letters = try await harness.payloads(RedisKey.deadLetters(provider: "twilio"))
                #expect(letters.count == 1)
                #expect(try await harness.redis.command("GET", RedisKey.resendCounter).isNull)
            }
        }
    }
}
