import Foundation
import Testing
import WireModels

@Suite struct DeliveryUpdateTests {
    @Test func encodesTheUnifiedAndTheProviderStatusWithTheError() throws {
        let update = DeliveryUpdate(
            provider: "vonage", providerMessageID: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", status: .undelivered,
            providerStatus: "rejected", errorCode: "1250", errorMessage: "Unroutable",
            occurredAt: Date(timeIntervalSince1970: 1_738_584_865), clientReference: "abc123",
            raw: #"{"status":"rejected"}"#)
        #expect(
            try InboundMessageTests.encode(update)
                == #"{"client_reference":"abc123","error_code":"1250","error_message":"Unroutable","occurred_at":"2025-02-03T12:14:25.000Z","provider":"vonage","provider_message_id":"aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab","provider_status":"rejected","raw_payload":"{\"status\":\"rejected\"}","status":"undelivered"}"#
        )
    }

    @Test func writesNullsForAStepBeforeSentAndNoError() throws {
        let update = DeliveryUpdate(
            provider: "twilio", providerMessageID: "SM1", status: nil, providerStatus: "queued",
            occurredAt: Date(timeIntervalSince1970: 1_700_000_000), raw: "MessageStatus=queued")
        let json = try InboundMessageTests.encode(update)
        #expect(json.contains(#""status":null"#))
        #expect(json.contains(#""error_code":null"#))
        #expect(json.contains(#""error_message":null"#))
        #expect(json.contains(#""client_reference":null"#))
    }

    @Test(arguments: DeliveryStatus.allCases)
    func decodesWhatItEncodes(_ status: DeliveryStatus) throws {
        let update = DeliveryUpdate(
            provider: "telnyx", providerMessageID: "40385f64", status: status, providerStatus: "delivery_failed",
            errorCode: "40008", errorMessage: "Undeliverable", occurredAt: Date(timeIntervalSince1970: 1_705_349_820.5),
            raw: "{}")
        let decoded = try JSONDecoder().decode(
            DeliveryUpdate.self, from: Data(try InboundMessageTests.encode(update).utf8))
        #expect(decoded == update)
    }

    @Test func spellsTheUnifiedStatusesAsTheIssueDoes() {
        #expect(DeliveryStatus.allCases.map(\.rawValue) == ["sent", "delivered", "undelivered", "failed"])
    }
}
