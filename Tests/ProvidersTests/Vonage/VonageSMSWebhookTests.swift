import Foundation
import Providers
import Testing
import WireModels

@Suite struct VonageSMSWebhookTests {
    let receivedAt = Date(timeIntervalSince1970: 1_800_000_000)

    static let receiptJSON =
        #"{"msisdn":"447700900000","to":"AcmeInc","network-code":"23410","messageId":"0A0000001234567B","price":"0.03330000","status":"delivered","scts":"2001011400","err-code":"0","api-key":"abcd1234","message-timestamp":"2020-01-01 14:00:00"}"#

    @Test func readsTheDocumentedJSONDeliveryReceipt() throws {
        let params = try VonageSMSWebhook.parameters(json: Data(Self.receiptJSON.utf8))
        let update = try VonageSMSWebhook.deliveryUpdate(from: params, receivedAt: receivedAt)
        #expect(
            update
                == DeliveryUpdate(
                    provider: "vonage",
                    providerMessageID: "0A0000001234567B",
                    status: .delivered,
                    providerStatus: "delivered",
                    occurredAt: Date(timeIntervalSince1970: 1_577_887_200),
                    raw: Self.receiptJSON
                ))
    }

    @Test func readsAFailedReceiptFromAQueryStringWithItsErrorAndReference() throws {
        let query =
            "msisdn=447700900000&to=AcmeInc&messageId=0A00000012345678&status=failed&err-code=6"
            + "&client-ref=msg_7&message-timestamp=2020-01-01+14%3A00%3A05"
        let update = try VonageSMSWebhook.deliveryUpdate(
            from: FormParameters(formEncoded: query), receivedAt: receivedAt)
        #expect(update.status == .undelivered)
        #expect(update.errorCode == "6")
        #expect(update.errorMessage == "Anti-spam rejection")
        #expect(update.clientReference == "msg_7")
        #expect(update.occurredAt == Date(timeIntervalSince1970: 1_577_887_205))
        #expect(update.raw == query)
    }

    @Test func signsJSONReceiptsOverTheirKeys() throws {
        var signed = VonageSignatureTests.receipt
        signed.append("sig", "e2862127f46a594da851c57d9b01d9bc4c68db20283bf97c1a18e24c4d9a24e6")
        let json = try JSONSerialization.data(
            withJSONObject: Dictionary(uniqueKeysWithValues: signed.pairs.map { ($0.name, $0.value) }))
        let params = try VonageSMSWebhook.parameters(json: json)
        #expect(VonageSignature.validate(params: params, secret: VonageSignatureTests.secret, method: .sha256))
    }

    @Test(
        arguments: [
            ("accepted", .sent), ("buffered", nil), ("delivered", .delivered), ("expired", .undelivered),
            ("failed", .undelivered), ("rejected", .undelivered), ("unknown", .undelivered),
        ] as [(String, DeliveryStatus?)])
    func mapsReceiptStatusesAsTheNormalisationTableDoes(_ status: String, _ expected: DeliveryStatus?) {
        #expect(VonageSMSWebhook.deliveryStatus(for: status) == expected)
    }

    @Test func readsAnInboundSMSWithNumbersInE164() throws {
        let body =
            "msisdn=447700900001&to=447700900000&messageId=0A0000000123ABCD1&text=Hello+world%21"
            + "&type=text&keyword=HELLO&api-key=abcd1234&message-timestamp=2020-01-01+12%3A00%3A00"
        let message = try VonageSMSWebhook.inboundMessage(
            from: FormParameters(formEncoded: body), receivedAt: receivedAt)
        #expect(
            message
                == InboundMessage(
                    provider: "vonage",
                    providerMessageID: "0A0000000123ABCD1",
                    from: "+447700900001",
                    to: "+447700900000",
                    body: "Hello world!",
                    mediaURLs: [],
                    receivedAt: Date(timeIntervalSince1970: 1_577_880_000),
                    raw: body
                ))
    }

    @Test func marksOnePartOfAConcatenatedSMS() throws {
        let params: FormParameters = [
            "msisdn": "447700900001", "to": "447700900000", "messageId": "0A01", "text": "part two",
            "concat": "true", "concat-ref": "108", "concat-total": "3", "concat-part": "2",
        ]
        let message = try VonageSMSWebhook.inboundMessage(from: params, receivedAt: receivedAt)
        #expect(message.part == ConcatenatedPart(reference: "108", total: 3, index: 2))
        #expect(message.receivedAt == receivedAt)
    }

    static func part(_ index: Int, of total: Int, text: String, reference: String = "108") -> FormParameters {
        [
            "msisdn": "447700900001", "to": "447700900000", "messageId": "0A0\(index)", "text": text, "type": "text",
            "concat": "true", "concat-ref": reference, "concat-total": String(total), "concat-part": String(index),
            "message-timestamp": "2020-01-01 12:00:0\(index)",
        ]
    }

    @Test func reassemblesConcatenatedPartsInPartOrderWhateverTheArrivalOrder() throws {
        let texts = ["The first part, ", "the second, ", "and the end."]
        let parts = try [3, 1, 2].map { index in
            try VonageSMSWebhook.inboundMessage(
                from: Self.part(index, of: 3, text: texts[index - 1]), receivedAt: receivedAt)
        }
        let whole = try VonageSMSWebhook.reassemble(parts)
        #expect(whole.body == "The first part, the second, and the end.")
        #expect(whole.providerMessageID == "0A01")
        #expect(whole.from == "+447700900001")
        #expect(whole.to == "+447700900000")
        #expect(whole.receivedAt == Date(timeIntervalSince1970: 1_577_880_001))
        #expect(whole.part == nil)
        #expect(
            whole.raw == [1, 2, 3].map { Self.part($0, of: 3, text: texts[$0 - 1]).rawText }.joined(separator: "\n"))
    }

    @Test func refusesToReassembleAnIncompleteOrMixedSet() throws {
        let one = try VonageSMSWebhook.inboundMessage(from: Self.part(1, of: 2, text: "a"))
        let two = try VonageSMSWebhook.inboundMessage(from: Self.part(2, of: 2, text: "b"))
        let otherReference = try VonageSMSWebhook.inboundMessage(from: Self.part(2, of: 2, text: "b", reference: "109"))
        #expect(throws: ProviderError.self) { try VonageSMSWebhook.reassemble([one]) }
        #expect(throws: ProviderError.self) { try VonageSMSWebhook.reassemble([one, one]) }
        #expect(throws: ProviderError.self) { try VonageSMSWebhook.reassemble([one, otherReference]) }
        #expect(throws: ProviderError.self) { try VonageSMSWebhook.reassemble([]) }
        #expect(try VonageSMSWebhook.reassemble([two, one]).body == "ab")
    }

    @Test func rejectsAPartOutsideItsCount() {
        for (index, total) in [(0, 3), (4, 3), (1, 0), (1, 256)] {
            #expect(throws: ProviderError.self) {
                try VonageSMSWebhook.inboundMessage(from: Self.part(index, of: total, text: "x"))
            }
        }
    }

    @Test func rejectsWebhooksMissingTheirKeys() {
        #expect(throws: ProviderError.self) {
            try VonageSMSWebhook.deliveryUpdate(from: ["status": "delivered"])
        }
        #expect(throws: ProviderError.self) {
            try VonageSMSWebhook.inboundMessage(from: ["msisdn": "447700900001", "messageId": "x"])
        }
        #expect(throws: ProviderError.malformedWebhook(reason: "Vonage webhook body is not a JSON object")) {
            try VonageSMSWebhook.parameters(json: Data("[1]".utf8))
        }
    }
}
