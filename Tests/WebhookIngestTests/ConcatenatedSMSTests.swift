import Foundation
import RedisStore
import Testing
import WireModels

@testable import WebhookIngest

/// Vonage SMS API inbound messages that arrive part by part (`concat`, `concat-ref`,
/// `concat-total`, `concat-part`) are held in Redis and published once, whole.
@Suite(.serialized) struct ConcatenatedSMSTests {
    static let texts = ["It was the best of times, ", "it was the worst of times, ", "it was the age of wisdom."]

    /// Part `index` (from 1) of a `total`-part message with reference `reference`, signed.
    static func part(
        _ harness: IngestHarness, _ index: Int, of total: Int, reference: String, ids: [String]
    ) throws -> ProviderRequest {
        try harness.request(
            .vonageSMSInbound, providerMessageID: ids[index - 1], text: texts[index - 1],
            extra: [
                ("concat", "true"), ("concat-ref", reference), ("concat-total", String(total)),
                ("concat-part", String(index)),
            ])
    }

    static func heldPartsKey(_ harness: IngestHarness, reference: String) -> String {
        RedisKey.concatenatedParts(
            provider: "vonage", to: harness.numbers["vonage"]!, from: IngestHarness.customer, reference: reference)
    }

    static func receivedEvents(_ harness: IngestHarness) async throws -> [MessageEvent] {
        try await harness.ownEvents().filter { $0.type == .received }
    }

    @Test func partsOutOfOrderArePublishedAsOneMessageWithTheWholeText() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        let ids = (1...3).map { _ in WebhookKind.vonageSMSInbound.newProviderMessageID() }
        let reference = String(Int.random(in: 0...255))
        try await harness.run {
            for index in [3, 1, 2] {
                let reply = try await harness.send(Self.part(harness, index, of: 3, reference: reference, ids: ids))
                #expect(reply.0 == 200, "part \(index)")
            }
            let events = try await harness.waitForEvents(providerMessageID: ids[0]) { $0.count >= 2 }
            let received = try #require(events.first { $0.type == .received })
            #expect(received.body == Self.texts.joined())
            #expect(received.from == IngestHarness.customer)
            #expect(received.to == harness.numbers["vonage"])
            #expect(received.organizationID == harness.organizationID)
            #expect(received.assistantID == harness.assistantID)
            #expect(received.provider == "vonage")
            #expect(received.segments == 1)
            #expect(received.rawPayload?.components(separatedBy: "\n").count == 3)
            let audit = try #require(events.first { $0.type == .webhookReceived })
            #expect(audit.messageID == received.messageID)
            #expect(audit.eventData?["parts"] == "3")
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await Self.receivedEvents(harness).count == 1)
            #expect(try await harness.events(providerMessageID: ids[1]).isEmpty)
            #expect(try await harness.events(providerMessageID: ids[2]).isEmpty)
        }
        #expect(
            try await redis.command("EXISTS", Self.heldPartsKey(harness, reference: reference)).int == 0,
            "parts are let go")
        await redis.shutdown()
    }

    @Test func aRepeatedPartDoesNotDuplicateTheMessage() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let ids = (1...2).map { _ in WebhookKind.vonageSMSInbound.newProviderMessageID() }
        let reference = String(Int.random(in: 0...255))
        try await harness.run {
            let first = try Self.part(harness, 1, of: 2, reference: reference, ids: ids)
            let second = try Self.part(harness, 2, of: 2, reference: reference, ids: ids)
            // Vonage re-sends a part it thinks we missed: before the message is whole, and after.
            for request in [first, first, second, second, first] {
                #expect(try await harness.send(request).0 == 200)
            }
            let events = try await harness.waitForEvents(providerMessageID: ids[0]) { $0.count >= 2 }
            #expect(events.first { $0.type == .received }?.body == Self.texts[0] + Self.texts[1])
            try await Task.sleep(for: .milliseconds(200))
            let received = try await Self.receivedEvents(harness)
            #expect(received.count == 1, "\(received.map(\.body))")
        }
    }

    @Test func aPartialSetPublishesNothingAndIsHeldForAnHour() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        let ids = (1...3).map { _ in WebhookKind.vonageSMSInbound.newProviderMessageID() }
        let reference = String(Int.random(in: 0...255))
        try await harness.run {
            for index in [1, 3] {
                #expect(
                    try await harness.send(Self.part(harness, index, of: 3, reference: reference, ids: ids)).0 == 200)
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await harness.ownEvents().isEmpty, "nothing is published before every part is in")
        }
        let key = Self.heldPartsKey(harness, reference: reference)
        #expect(try await redis.command("HLEN", key).int == 2)
        let ttl = try #require(try await redis.command("TTL", key).int)
        #expect((3_500...3_600).contains(ttl))
        let held = try #require(try await redis.command("HGET", key, "3").string)
        let part = try JSONDecoder().decode(InboundMessage.self, from: Data(held.utf8))
        #expect(part.part == ConcatenatedPart(reference: reference, total: 3, index: 3))
        #expect(part.body == Self.texts[2])
        #expect(part.providerMessageID == ids[2])
        await redis.shutdown()
    }

    @Test func partsWithAnotherReferenceOrSenderAreAnotherMessage() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let ids = (1...2).map { _ in WebhookKind.vonageSMSInbound.newProviderMessageID() }
        let otherIDs = (1...2).map { _ in WebhookKind.vonageSMSInbound.newProviderMessageID() }
        try await harness.run {
            #expect(try await harness.send(Self.part(harness, 1, of: 2, reference: "7", ids: ids)).0 == 200)
            #expect(try await harness.send(Self.part(harness, 2, of: 2, reference: "8", ids: otherIDs)).0 == 200)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await Self.receivedEvents(harness).isEmpty)
        }
    }
}
