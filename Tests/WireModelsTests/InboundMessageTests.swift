import Foundation
import Testing
import WireModels

@Suite struct InboundMessageTests {
    static let message = InboundMessage(
        provider: "twilio", providerMessageID: "SM0123", from: "+14155550199", to: "+14155550100", body: "Hello 👋",
        mediaURLs: ["https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"],
        receivedAt: Date(timeIntervalSince1970: 1_700_000_000.25), raw: "MessageSid=SM0123&Body=Hello")

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func encodesSnakeCaseKeysAndAnISO8601ReceivedAt() throws {
        #expect(
            try Self.encode(Self.message)
                == #"{"body":"Hello 👋","from":"+14155550199","media_urls":["https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"],"provider":"twilio","provider_message_id":"SM0123","raw_payload":"MessageSid=SM0123&Body=Hello","received_at":"2023-11-14T22:13:20.250Z","to":"+14155550100"}"#
        )
    }

    @Test func writesThePartOfAConcatenatedSMSOnlyWhenThereIsOne() throws {
        var part = Self.message
        part.part = ConcatenatedPart(reference: "108", total: 3, index: 2)
        #expect(try Self.encode(part).contains(#""part":{"index":2,"reference":"108","total":3}"#))
        #expect(try !Self.encode(Self.message).contains("part"))
    }

    @Test func decodesWhatItEncodes() throws {
        var part = Self.message
        part.part = ConcatenatedPart(reference: "108", total: 3, index: 2)
        for message in [Self.message, part] {
            let decoded = try JSONDecoder().decode(InboundMessage.self, from: Data(try Self.encode(message).utf8))
            #expect(decoded == message)
        }
    }

    @Test func defaultsAMissingBodyAndMediaToEmpty() throws {
        let json =
            #"{"provider":"vonage","provider_message_id":"0A01","from":"+447700900001","to":"+447700900000","received_at":"2020-01-01T12:00:00Z"}"#
        let message = try JSONDecoder().decode(InboundMessage.self, from: Data(json.utf8))
        #expect(message.body == "")
        #expect(message.mediaURLs == [])
        #expect(message.receivedAt == Date(timeIntervalSince1970: 1_577_880_000))
        #expect(message.part == nil)
    }

    @Test func refusesATimeThatIsNotISO8601() {
        let json =
            #"{"provider":"vonage","provider_message_id":"0A01","from":"+4477","to":"+4478","received_at":"yesterday"}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(InboundMessage.self, from: Data(json.utf8))
        }
    }
}
