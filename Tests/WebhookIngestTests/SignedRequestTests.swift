import Crypto
import Foundation
import Providers
import RedisStore
import Testing
import WireModels

@testable import WebhookIngest

/// The issue's "Done when", route by route: forged, stale, replayed and duplicated requests, and a
/// receipt that arrives before the send's own `sent` event. Requests are signed here the way each
/// provider signs them (see `ProviderRequest.swift`).
@Suite(.serialized) struct SignedRequestTests {
    @Test(arguments: WebhookKind.allCases)
    func aForgedRequestIsRefusedAndChangesNothing(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        try await harness.run {
            let id = kind.newProviderMessageID()
            let forged = try await harness.send(harness.request(kind, providerMessageID: id, signing: .forged))
            #expect(forged.0 == kind.refusedStatus)
            #expect(forged.1.contains("detail"))
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await harness.events(providerMessageID: id).isEmpty, "a forged request published something")
            let stashed = try await redis.command(
                "EXISTS", RedisKey.earlyReceipt(provider: kind.provider, providerMessageID: id))
            #expect(stashed.int == 0, "a forged receipt was stored")
            // Nothing was remembered either: the genuine request is not taken for a duplicate.
            let genuine = try await harness.send(harness.request(kind, providerMessageID: id))
            #expect(genuine.0 == 200)
            let events = try await harness.waitForEvents(providerMessageID: id) {
                $0.contains { $0.type != .webhookReceived }
            }
            #expect(events.filter { $0.type != .webhookReceived }.count == 1)
        }
        await redis.shutdown()
    }

    @Test(arguments: WebhookKind.allCases.filter(\.signsATime))
    func aCorrectlySignedButStaleRequestIsRefusedAndPublishesNothing(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let id = kind.newProviderMessageID()
            // Ten minutes old, and ten minutes ahead of our clock: both outside the 5-minute window.
            for offset in [-600.0, 600.0] {
                let stale = try await harness.send(
                    harness.request(kind, providerMessageID: id, signing: .valid(offset: offset)))
                #expect(stale.0 == 401, "signed \(Int(offset)) s from now")
            }
            // Four minutes old is still inside it.
            let fresh = try await harness.send(
                harness.request(kind, providerMessageID: id, signing: .valid(offset: -240)))
            #expect(fresh.0 == 200)
            let events = try await harness.waitForEvents(providerMessageID: id) {
                $0.contains { $0.type != .webhookReceived }
            }
            #expect(events.filter { $0.type != .webhookReceived }.count == 1, "only the fresh request counts")
        }
    }

    @Test(arguments: WebhookKind.allCases)
    func replayedAndRedeliveredRequestsArePublishedOnce(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let id = kind.newProviderMessageID()
            // A replay sends the very same bytes again; a provider's retry signs the same event anew.
            let original = try harness.request(kind, providerMessageID: id)
            let redelivered = try harness.request(kind, providerMessageID: id, signing: .valid(offset: -5))
            for request in [original, original, original, redelivered] {
                #expect(try await harness.send(request).0 == 200)
            }
            _ = try await harness.waitForEvents(providerMessageID: id) { $0.count >= 2 }
            try await Task.sleep(for: .milliseconds(200))
            let events = try await harness.events(providerMessageID: id)
            #expect(events.filter { $0.type != .webhookReceived }.count == 1, "\(events.map(\.type))")
            #expect(events.filter { $0.type == .webhookReceived }.count == 1)
        }
    }

    @Test(arguments: WebhookKind.statusKinds)
    func aReceiptBeforeTheSendsOwnSentIsKeptForTheSenderAndNeverMovesBack(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        let id = kind.newProviderMessageID()
        try await harness.run {
            // The sender has not recorded the provider's id yet: no `sms:pmid`, no `message.sent`.
            #expect(try await harness.send(harness.request(kind, providerMessageID: id, status: "delivered")).0 == 200)
            // The provider's own `sent` step arrives after the delivery: it must not win.
            #expect(
                try await harness.send(harness.request(kind, providerMessageID: id, status: kind.sentStatus)).0 == 200)
            _ = try await harness.waitForEvents(providerMessageID: id) {
                $0.filter { $0.type != .webhookReceived }.count >= 2
            }
        }
        let stash = RedisKey.earlyReceipt(provider: kind.provider, providerMessageID: id)
        #expect(try await redis.command("HGET", stash, "delivery_status").string == "delivered")
        #expect(try await redis.command("TTL", stash).int.map { $0 > 0 } == true)
        let events = try await harness.events(providerMessageID: id)
        let delivered = try #require(events.first { $0.type == .delivered })
        #expect(delivered.organizationID == harness.organizationID)
        #expect(delivered.messageID == nil, "no message id is known yet")
        #expect(events.contains { $0.type == .sent })
        await redis.shutdown()
    }

    @Test func aTwilioJSONBodyIsCheckedAgainstItsBodySHA256() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let sid = WebhookKind.twilioStatus.newProviderMessageID()
            let from = harness.numbers["twilio"]!
            let body =
                #"{"MessageSid":"\#(sid)","MessageStatus":"delivered","From":"\#(from)","To":"\#(IngestHarness.customer)"}"#
            let hash = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
            let path = "/webhooks/status/twilio?bodySHA256=\(hash)"
            // The signature covers the URL alone; the URL's hash covers the body.
            let signature = TwilioSignature.compute(url: harness.baseURL + path, authToken: harness.twilio.token)
            let headers = [("Content-Type", "application/json"), ("X-Twilio-Signature", signature)]
            let tampered = body.replacingOccurrences(of: "delivered", with: "undelivered")
            #expect(try await harness.post(path, body: tampered, headers: headers).0 == 403)
            #expect(try await harness.post(path, body: body, headers: headers).0 == 200)
            let events = try await harness.waitForEvents(providerMessageID: sid) {
                $0.contains { $0.type == .delivered }
            }
            #expect(events.filter { $0.type != .webhookReceived }.map(\.type) == [.delivered])
        }
    }
}
