import Foundation
import Testing
import WireModels

@Suite struct MessageJSONTests {
    static let tricky = "quote \" backslash \\ newline \n tab \t nul \u{0} ünï 漢字 🚀"

    @Test func aFullEventDecodesToTheSameValueAndHasTheEncodersKeys() throws {
        let event = MessageEvent(
            eventID: "e1", type: .delivered, occurredAt: "2026-11-24T01:00:00.000Z", messageID: "m1", organizationID: 7,
            assistantID: 9, direction: "outbound", provider: "twilio", from: "+15550000001", to: "+15550000002", body: Self.tricky,
            mediaURLs: ["https://example.com/a.png", "https://example.com/b\".png"], segments: 2, encoding: "UCS-2",
            providerMessageID: "SM1", status: "delivered", providerStatus: "delivered", errorCode: "30003",
            errorMessage: Self.tricky, idempotencyKey: "key-1", attempt: 3, rawPayload: "{\"a\":1}", conversationID: 11,
            level: "info", summary: Self.tricky, eventData: ["b": "2", "a": Self.tricky])
        let text = event.jsonText()
        #expect(try JSONDecoder().decode(MessageEvent.self, from: Data(text.utf8)) == event)
        let ours = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let foundations = try JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as? [String: Any]
        #expect(Set(ours?.keys.map { $0 } ?? []) == Set(foundations?.keys.map { $0 } ?? []))
        #expect(ours?.count == 27, "every property of MessageEvent is written")
    }

    @Test func nilFieldsAreLeftOutAsTheEncoderDoes() throws {
        let event = MessageEvent(
            eventID: "e2", type: .queued, occurredAt: "2026-11-24T01:00:00.000Z", messageID: nil, organizationID: nil,
            assistantID: nil, direction: "outbound", provider: nil, from: nil, to: nil, body: nil, mediaURLs: nil)
        let text = event.jsonText()
        #expect(try JSONDecoder().decode(MessageEvent.self, from: Data(text.utf8)) == event)
        let ours = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let foundations = try JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as? [String: Any]
        #expect(Set(ours?.keys.map { $0 } ?? []) == Set(foundations?.keys.map { $0 } ?? []))
    }

    @Test func anEnvelopeDecodesToTheSameValueWithOrWithoutItsOptionals() throws {
        let full = QueueEnvelope(
            messageID: "m1", organizationID: 1, assistantID: 2, provider: "telnyx", from: "+15550000001", to: "+15550000002",
            body: Self.tricky, mediaURLs: ["https://example.com/x.jpg"], idempotencyKey: Self.tricky,
            queuedAt: "2026-11-24T01:00:00.000Z", validUntil: "2026-11-24T11:00:00.000Z")
        let bare = QueueEnvelope(
            messageID: nil, organizationID: nil, assistantID: nil, provider: nil, from: "+1", to: "+2", body: "hi", mediaURLs: nil,
            idempotencyKey: nil, queuedAt: nil, validUntil: nil)
        for envelope in [full, bare] {
            let text = envelope.jsonText()
            #expect(try JSONDecoder().decode(QueueEnvelope.self, from: Data(text.utf8)) == envelope)
            let ours = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let foundations = try JSONSerialization.jsonObject(with: JSONEncoder().encode(envelope)) as? [String: Any]
            #expect(Set(ours?.keys.map { $0 } ?? []) == Set(foundations?.keys.map { $0 } ?? []))
        }
    }
}
