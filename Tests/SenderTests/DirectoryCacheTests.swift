import Foundation
import ProviderSandboxKit
import RedisStore
import ServiceRuntime
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    /// The sender keeps numbers and decrypted credentials in memory, tagged with `sb:dir:version`;
    /// the claim script answers `stale` when the directory changed since, and the sender reads again.
    @Suite struct DirectoryCacheTests {
        @Test func rotatedCredentialsAreUsedForTheVeryNextMessage() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let first = try await harness.enqueue(from: number, to: "+14155550150", organizationID: organizationID)
                _ = try await harness.waitForStatus(first.messageID!, "sent")  // the credentials are cached now

                try await harness.rotateCredentials(
                    organizationID: organizationID,
                    to: OrganizationCredentials(twilioAccountSID: TestAccounts.twilioSID2, twilioAuthToken: TestAccounts.twilioToken2))
                let second = try await harness.enqueue(from: number, to: "+14155550151", organizationID: organizationID)
                let fields = try await harness.waitForStatus(second.messageID!, "sent")

                #expect(harness.received(from: number).map(\.account) == [TestAccounts.twilioSID, TestAccounts.twilioSID2])
                #expect(fields["attempts"] == "1")
                #expect(try await harness.events(second.messageID!).map(\.type) == [.queued, .sending, .sent])
            }
        }

        @Test func numberRemovedFromTheDirectoryIsHandledAsBeforeThoughCached() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender(provider: "telnyx")
                let queue = RedisKey.queue(provider: "telnyx")
                let byHand = #"{"from":"\#(number)","to":"+14155550152","body":"added by hand"}"#
                _ = try await harness.redis.xadd(queue, fields: [("payload", byHand)])
                #expect(await eventually { harness.received(from: number).count == 1 })  // number and owner cached

                try await harness.removeNumber(number)
                // An envelope that needs the number's entry is rejected, on a fresh read, as before the cache.
                let entryID = try await harness.redis.xadd(queue, fields: [("payload", byHand)])
                let deadLetters = RedisKey.deadLetters(provider: "telnyx")
                #expect(await eventually { (try? await harness.payloads(deadLetters).count) == 1 })
                let letter = try SenderHarness.decode(DeadLetter.self, try await harness.payloads(deadLetters)[0])
                #expect(letter.reason == "sending number \(number) is not registered to any organization")
                #expect(letter.streamEntryID == entryID)
                // One that names its organization never needed the number, and is still sent with its credentials.
                let named = try await harness.enqueue(
                    from: number, to: "+14155550153", organizationID: organizationID, provider: "telnyx")
                _ = try await harness.waitForStatus(named.messageID!, "sent")
                #expect(harness.received(from: number).count == 2)
                let pending = try await harness.redis.xpendingSummary(queue, group: RedisKey.senderGroup)
                #expect(pending.count == 0)
            }
        }

        @Test func messageSentFromTheCacheIsSentExactlyOnce() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let first = try await harness.enqueue(from: number, to: "+14155550154", organizationID: organizationID)
                _ = try await harness.waitForStatus(first.messageID!, "sent")

                // Deleted without bumping the version (the gateway never does this): only the cache
                // still knows the credentials, so a send proves no directory read took place.
                _ = try await harness.redis.command("DEL", RedisKey.directoryOrganization(organizationID))
                let cached = try await harness.enqueue(from: number, to: "+14155550155", organizationID: organizationID)
                let fields = try await harness.waitForStatus(cached.messageID!, "sent")
                #expect(fields["attempts"] == "1")
                #expect(harness.received(from: number).filter { $0.to == "+14155550155" }.count == 1)
                #expect(try await harness.events(cached.messageID!).map(\.type) == [.queued, .sending, .sent])

                // Another organization changed: the claim answers stale, the sender reads again
                // (now finding no organization) and fails the message on that fresh read, once.
                _ = try await harness.redis.command("INCR", RedisKey.directoryVersion)
                let stale = try await harness.enqueue(from: number, to: "+14155550156", organizationID: organizationID)
                let failed = try await harness.waitForStatus(stale.messageID!, "failed")
                #expect(failed["error"] == "twilio credentials are not configured")
                #expect(failed["attempts"] == "1")
                #expect(try await harness.events(stale.messageID!).map(\.type) == [.queued, .sending, .failed])
                #expect(harness.received(from: number).count == 2)
                let pending = try await harness.redis.xpendingSummary(RedisKey.queue(provider: "twilio"), group: RedisKey.senderGroup)
                #expect(pending.count == 0)
            }
        }

        @Test func staleClaimIsReadAgainAndSentExactlyOnce() async throws {
            try await SenderHarness.run(environment: ["TWILIO_RATE_PER_NUMBER": "1000"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let first = try await harness.enqueue(from: number, to: "+14155550157", organizationID: organizationID)
                _ = try await harness.waitForStatus(first.messageID!, "sent")

                // A change elsewhere in the directory: the cached credentials are still right, but
                // the claim cannot know that; it changes nothing, and the second try sends.
                _ = try await harness.redis.command("INCR", RedisKey.directoryVersion)
                let second = try await harness.enqueue(from: number, to: "+14155550158", organizationID: organizationID)
                let fields = try await harness.waitForStatus(second.messageID!, "sent")
                #expect(fields["attempts"] == "1")
                #expect(harness.received(from: number).filter { $0.to == "+14155550158" }.count == 1)
                #expect(try await harness.events(second.messageID!).map(\.type) == [.queued, .sending, .sent])
            }
        }
    }
}
