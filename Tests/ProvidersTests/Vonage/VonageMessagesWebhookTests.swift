import Foundation
import Providers
import Testing
import WireModels

@Suite struct VonageMessagesWebhookTests {
    let receivedAt = Date(timeIntervalSince1970: 1_800_000_000)

    static let rejected = """
        {"message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", "to": "447700900000",
         "from": "447700900001", "timestamp": "2025-02-03T12:14:25Z", "status": "rejected",
         "channel": "sms", "client_ref": "abc123",
         "error": {"type": "https://developer.vonage.com/api-errors/messages#1250",
                   "title": "1250", "detail": "Unroutable", "instance": "bf0ca0bf927b3b52e3cb03217e1a1ddf"},
         "usage": {"currency": "EUR", "price": "0.0333"},
         "destination": {"network_code": "23410"}, "sms": {"count_total": "1"}}
        """

    @Test func readsTheDocumentedRejectedStatus() throws {
        let update = try VonageMessagesWebhook.deliveryUpdate(Data(Self.rejected.utf8), receivedAt: receivedAt)
        #expect(
            update
                == DeliveryUpdate(
                    provider: "vonage",
                    providerMessageID: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
                    status: .undelivered,
                    providerStatus: "rejected",
                    errorCode: "1250",
                    errorMessage: "Unroutable",
                    occurredAt: Date(timeIntervalSince1970: 1_738_584_865),
                    clientReference: "abc123",
                    raw: Self.rejected
                ))
    }

    @Test func readsTheSignedInboundExample() throws {
        let event = try VonageMessagesWebhook.parse(Data(VonageWebhookTokenTests.body.utf8), receivedAt: receivedAt)
        #expect(
            event
                == .inbound(
                    InboundMessage(
                        provider: "vonage",
                        providerMessageID: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
                        from: "+447700900001",
                        to: "+447700900000",
                        body: "Hello From Vonage!",
                        mediaURLs: [],
                        receivedAt: Date(timeIntervalSince1970: 1_738_584_865),
                        raw: VonageWebhookTokenTests.body
                    )))
    }

    @Test func tellsStatusReportsFromInboundMessages() throws {
        guard case .delivery(let update) = try VonageMessagesWebhook.parse(Data(Self.rejected.utf8)) else {
            Issue.record("expected a delivery update")
            return
        }
        #expect(update.errorCode == "1250")
    }

    @Test func readsInboundMMSMediaURLs() throws {
        let image = """
            {"channel":"mms","message_uuid":"m1","to":"14155550100","from":"14155550199",
             "timestamp":"2025-02-03T12:14:25Z","message_type":"image",
             "image":{"url":"https://api.nexmo.com/v3/media/1","caption":"Look"}}
            """
        let message = try VonageMessagesWebhook.inboundMessage(Data(image.utf8))
        #expect(message.mediaURLs == ["https://api.nexmo.com/v3/media/1"])
        #expect(message.body == "Look")
        #expect(message.from == "+14155550199")

        let several = """
            {"channel":"mms","message_uuid":"m2","to":"14155550100","from":"14155550199","message_type":"content",
             "content":[{"type":"image","url":"https://a/1.jpg"},{"type":"video","url":"https://a/2.mp4"}]}
            """
        let message2 = try VonageMessagesWebhook.inboundMessage(Data(several.utf8), receivedAt: receivedAt)
        #expect(message2.mediaURLs == ["https://a/1.jpg", "https://a/2.mp4"])
        #expect(message2.receivedAt == receivedAt)
    }

    @Test(
        arguments: [
            ("submitted", nil, .sent), ("delivered", nil, .delivered), ("read", nil, .delivered),
            ("undeliverable", nil, .failed), ("rejected", nil, .undelivered), ("rejected", "1250", .undelivered),
            ("rejected", "1330", .undelivered), ("rejected", "1360", .undelivered), ("rejected", "1000", .failed),
            ("rejected", "1420", .failed), ("rejected", "1490", .sent), ("accepted", nil, nil),
        ] as [(String, String?, DeliveryStatus?)])
    func mapsStatusesAndErrorCodesAsTheNormalisationTableDoes(
        _ status: String, _ code: String?, _ expected: DeliveryStatus?
    ) {
        #expect(VonageMessagesWebhook.deliveryStatus(for: status, errorCode: code) == expected)
    }

    @Test func takesTheCodeFromTheTypeWhenTheTitleIsWords() throws {
        let body = """
            {"message_uuid":"u1","status":"rejected","error":{"type":"https://developer.vonage.com/api-errors/messages#1000",
             "title":"Throttled","detail":"Throttled - You have exceeded the submission capacity"}}
            """
        let update = try VonageMessagesWebhook.deliveryUpdate(Data(body.utf8), receivedAt: receivedAt)
        #expect(update.errorCode == "1000")
        #expect(update.status == .failed)
        #expect(update.occurredAt == receivedAt)
    }

    @Test func rejectsBodiesWithoutTheirKeys() {
        #expect(throws: ProviderError.self) {
            try VonageMessagesWebhook.parse(Data(#"{"status":"delivered"}"#.utf8))
        }
        #expect(throws: ProviderError.self) {
            try VonageMessagesWebhook.parse(Data("not json".utf8))
        }
    }
}
