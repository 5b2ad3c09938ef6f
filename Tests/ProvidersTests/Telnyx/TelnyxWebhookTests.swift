import Foundation
import Providers
import Testing
import WireModels

@Suite struct TelnyxWebhookTests {
    let receivedAt = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func readsTheSignedInboundExample() throws {
        let body = Data(TelnyxSignatureTests.body.utf8)
        guard case .inbound(let message) = try TelnyxWebhook.parse(body, receivedAt: receivedAt) else {
            Issue.record("expected an inbound message")
            return
        }
        #expect(message.provider == "telnyx")
        #expect(message.providerMessageID == "84cca175-9755-4859-b67f-4730d7f58aa3")
        #expect(message.from == "+13125550001")
        #expect(message.to == "+17735550002")
        #expect(message.body == "Hello!")
        #expect(message.mediaURLs.isEmpty)
        // No received_at in the payload: the event's occurred_at.
        #expect(abs(message.receivedAt.timeIntervalSince1970 - 1_705_349_767.588) < 0.001)
        #expect(message.raw == TelnyxSignatureTests.body)
    }

    @Test func readsInboundMediaAndTheReceivedAtTime() throws {
        let body = """
            {"data":{"event_type":"message.received","id":"e1","occurred_at":"2024-01-15T20:16:09+00:00",
            "payload":{"id":"m1","from":{"phone_number":"+13125550001"},"to":[{"phone_number":"+17735550002"}],
            "text":null,"type":"MMS","received_at":"2024-01-15T20:16:07+00:00",
            "media":[{"url":"https://media.telnyx.com/a.jpg","content_type":"image/jpeg","hash_sha256":null,"size":null},
                     {"url":"https://media.telnyx.com/b.png","content_type":"image/png"}]}},
            "meta":{"attempt":1}}
            """
        guard case .inbound(let message) = try TelnyxWebhook.parse(Data(body.utf8)) else {
            Issue.record("expected an inbound message")
            return
        }
        #expect(message.body == "")
        #expect(message.mediaURLs == ["https://media.telnyx.com/a.jpg", "https://media.telnyx.com/b.png"])
        #expect(message.receivedAt == Date(timeIntervalSince1970: 1_705_349_767))
    }

    @Test func treatsMessageSentAsSentWhateverTheEmbeddedStatus() throws {
        let body = """
            {"data":{"event_type":"message.sent","id":"e2","occurred_at":"2024-01-15T20:16:07.588+00:00",
            "payload":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","to":[{"phone_number":"+13125550001","status":"queued"}],
            "errors":[]}}}
            """
        let event = try TelnyxWebhook.parse(Data(body.utf8), receivedAt: receivedAt)
        guard case .delivery(let update) = event else {
            Issue.record("expected a delivery update")
            return
        }
        #expect(update.providerMessageID == "40385f64-5717-4562-b3fc-2c963f66afa6")
        #expect(update.providerStatus == "queued")
        #expect(update.status == .sent)
        #expect(update.errorCode == nil)
        #expect(abs(update.occurredAt.timeIntervalSince1970 - 1_705_349_767.588) < 0.001)
    }

    @Test func readsAFailedFinalizedEventWithItsError() throws {
        let body = """
            {"data":{"event_type":"message.finalized","id":"e3","occurred_at":"2024-01-15T20:17:00+00:00",
            "payload":{"id":"m2","to":[{"phone_number":"+13125550001","status":"delivery_failed"}],
            "errors":[{"code":"40008","title":"Undeliverable","detail":"The message could not be delivered."}]}}}
            """
        guard case .delivery(let update) = try TelnyxWebhook.parse(Data(body.utf8)) else {
            Issue.record("expected a delivery update")
            return
        }
        #expect(update.providerStatus == "delivery_failed")
        #expect(update.status == .undelivered)
        #expect(update.errorCode == "40008")
        #expect(update.errorMessage == "Undeliverable: The message could not be delivered.")
        #expect(update.occurredAt == Date(timeIntervalSince1970: 1_705_349_820))
    }

    @Test(
        arguments: [
            ("queued", nil), ("sending", nil), ("sent", .sent), ("delivered", .delivered), ("read", .delivered),
            ("delivery_failed", .undelivered), ("delivery_unconfirmed", .sent), ("sending_failed", .failed),
            ("expired", .failed),
        ] as [(String, DeliveryStatus?)])
    func mapsRecipientStatusesAsTheNormalisationTableDoes(_ status: String, _ expected: DeliveryStatus?) {
        #expect(TelnyxWebhook.deliveryStatus(for: status) == expected)
    }

    @Test func ignoresOtherEventTypes() throws {
        let body = #"{"data":{"event_type":"message.read","id":"e4","payload":{"id":"m3"}}}"#
        #expect(try TelnyxWebhook.parse(Data(body.utf8)) == .ignored(eventType: "message.read"))
    }

    @Test func rejectsBodiesThatAreNotEventEnvelopes() {
        #expect(throws: ProviderError.malformedWebhook(reason: "Telnyx webhook is not a JSON event envelope")) {
            try TelnyxWebhook.parse(Data("{}".utf8))
        }
        #expect(throws: ProviderError.self) {
            try TelnyxWebhook.parse(Data(#"{"data":{"event_type":"message.finalized","payload":{"id":"m"}}}"#.utf8))
        }
    }
}
