import Foundation
import ProviderSandboxKit
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct QueueSendTests {
        @Test(arguments: [
            ("twilio", "/webhooks/status/twilio", TestAccounts.twilioSID),
            ("telnyx", "/webhooks/sms/telnyx", TestAccounts.telnyxKey),
            ("vonage", "/webhooks/status/vonage", TestAccounts.vonageKey),
        ])
        func sendsQueuedMessageWithOrganizationCredentials(provider: String, callbackPath: String, account: String) async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender(provider: provider)
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550123", body: "Your code is 1234", organizationID: organizationID, provider: provider)
                let messageID = envelope.messageID!
                let fields = try await harness.waitForStatus(messageID, "sent")

                let received = harness.received(from: number)
                try #require(received.count == 1)
                let message = received[0]
                #expect(message.account == account)
                #expect(message.body == "Your code is 1234")
                #expect(message.callbackURL == SenderHarness.webhookPublicURL + callbackPath)
                if provider == "vonage" { #expect(message.clientRef == messageID) }
                if provider == "telnyx" { #expect(message.idempotencyKey == messageID) }
                #expect(fields["provider_message_id"] == message.messageID)
                #expect(fields["attempts"] == "1")
                let mapped = try await harness.redis.command(
                    "GET", RedisKey.providerMessage(provider: provider, providerMessageID: message.messageID!))
                #expect(mapped.string == messageID)
                #expect(try await harness.redis.command("TTL", RedisKey.message(messageID)).int ?? 0 > 0)

                let events = try await harness.events(messageID)
                #expect(events.map(\.type) == [.queued, .sending, .sent])
                let sent = try #require(events.last)
                #expect(sent.providerMessageID == message.messageID)
                #expect(sent.organizationID == organizationID)
                #expect(sent.assistantID == 7)
                #expect(sent.from == number && sent.to == "+14155550123" && sent.body == "Your code is 1234")
                #expect(sent.segments == 1 && sent.encoding == "GSM-7")
                #expect(sent.attempt == 1 && events[1].attempt == 1)
                #expect(sent.status == "sent")
                // The whole entry is acknowledged.
                let pending = try await harness.redis.xpendingSummary(
                    RedisKey.queue(provider: provider), group: RedisKey.senderGroup)
                #expect(pending.count == 0)
            }
        }

        @Test func sendsEnvelopeAddedByHandWithOnlyFromToAndBody() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender(provider: "telnyx")
                _ = try await harness.redis.xadd(
                    RedisKey.queue(provider: "telnyx"),
                    fields: [("payload", #"{"from":"\#(number)","to":"+14155550124","body":"added by hand"}"#)])
                let arrived = await eventually { harness.received(from: number).count == 1 }
                #expect(arrived)
                let message = try #require(harness.received(from: number).first)
                let messageID = try #require(message.idempotencyKey)
                let fields = try await harness.waitForStatus(messageID, "sent")
                #expect(fields["organization_id"] == String(organizationID))
                #expect(fields["assistant_id"] == "7")
                #expect(fields["provider"] == "telnyx")
                let events = try await harness.events(messageID)
                #expect(events.map(\.type) == [.queued, .sending, .sent])
            }
        }

        @Test func movesUnreadableEnvelopeToDeadLetters() async throws {
            try await SenderHarness.run { harness in
                let entryID = try await harness.redis.xadd(RedisKey.queue(provider: "vonage"), fields: [("payload", "{not json")])
                let dead = await eventually { (try? await harness.payloads(RedisKey.deadLetters(provider: "vonage")).count) == 1 }
                #expect(dead)
                let letter = try SenderHarness.decode(
                    DeadLetter.self, try await harness.payloads(RedisKey.deadLetters(provider: "vonage"))[0])
                #expect(letter.reason == "unreadable envelope")
                #expect(letter.envelope == "{not json")
                #expect(letter.streamEntryID == entryID)
                let pending = try await harness.redis.xpendingSummary(
                    RedisKey.queue(provider: "vonage"), group: RedisKey.senderGroup)
                #expect(pending.count == 0)
            }
        }

        @Test func failsExpiredMessageWithoutSendingIt() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550125", organizationID: organizationID, validFor: -1)
                let fields = try await harness.waitForStatus(envelope.messageID!, "failed")
                #expect(fields["error"]?.contains("validity") == true)
                #expect(harness.received(from: number).isEmpty)
                let letters = try await harness.payloads(RedisKey.deadLetters(provider: "twilio"))
                #expect(letters.count == 1)
                #expect(try await harness.events(envelope.messageID!).map(\.type) == [.queued, .failed])
            }
        }

        @Test func failsWhenTheOrganizationHasNoCredentialsForTheProvider() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender(
                    provider: "vonage", credentials: OrganizationCredentials(twilioAccountSID: "AC1", twilioAuthToken: "t"))
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550126", organizationID: organizationID, provider: "vonage")
                let fields = try await harness.waitForStatus(envelope.messageID!, "failed")
                #expect(fields["error"] == "vonage credentials are not configured")
                #expect(harness.received(from: number).isEmpty)
            }
        }

        @Test func statusFallsBackToTheLedgerOnceTheHashIsGone() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(from: number, to: "+14155550127", organizationID: organizationID)
                let fields = try await harness.waitForStatus(envelope.messageID!, "sent")
                // The ledger write follows the Redis update; give it its batch delay.
                try await Task.sleep(for: .milliseconds(100))
                _ = try await harness.redis.command("DEL", RedisKey.message(envelope.messageID!))
                let reply = try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: organizationID)
                #expect(reply.status == .ok)
                let status = try SenderHarness.decode(MessageStatusResponse.self, reply.body)
                #expect(status.status == .sent)
                #expect(status.providerMessageID == fields["provider_message_id"])
                let other = try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: organizationID + 1)
                #expect(other.status == .notFound)
            }
        }
    }
}
