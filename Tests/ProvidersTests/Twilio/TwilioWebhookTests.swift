import Foundation
import Providers
import Testing
import WireModels

@Suite struct TwilioWebhookTests {
    let receivedAt = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func readsTheDocumentedUndeliveredStatusCallback() throws {
        let body =
            "MessageSid=SMaaaabbbbccccddddeeeeffff00001111&SmsSid=SMaaaabbbbccccddddeeeeffff00001111"
            + "&AccountSid=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx&From=%2B15017122661&To=%2B15558675310"
            + "&MessageStatus=undelivered&SmsStatus=undelivered&ErrorCode=30003&ApiVersion=2010-04-01"
            + "&RawDlrDoneDate=2302141220"
        let update = try TwilioWebhook.deliveryUpdate(from: FormParameters(formEncoded: body), receivedAt: receivedAt)
        #expect(
            update
                == DeliveryUpdate(
                    provider: "twilio",
                    providerMessageID: "SMaaaabbbbccccddddeeeeffff00001111",
                    status: .undelivered,
                    providerStatus: "undelivered",
                    errorCode: "30003",
                    errorMessage: "Unreachable destination handset",
                    occurredAt: receivedAt,
                    raw: body
                ))
    }

    @Test func prefersTheErrorMessageTwilioSent() throws {
        let params: FormParameters = [
            "MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": "30001", "ErrorMessage": "Queue overflow",
        ]
        let update = try TwilioWebhook.deliveryUpdate(from: params, receivedAt: receivedAt)
        #expect(update.status == .failed)
        #expect(update.errorMessage == "Queue overflow")
    }

    @Test func readsADeliveredCallbackWithoutAnErrorCode() throws {
        let update = try TwilioWebhook.deliveryUpdate(from: TwilioSignatureTests.exampleCParams, receivedAt: receivedAt)
        #expect(update.providerMessageID == "SM1234567890abcdef1234567890abcdef")
        #expect(update.status == .delivered)
        #expect(update.errorCode == nil)
    }

    @Test(
        arguments: [
            ("accepted", nil), ("scheduled", nil), ("queued", nil), ("sending", nil), ("sent", .sent),
            ("delivered", .delivered), ("read", .delivered), ("undelivered", .undelivered), ("failed", .failed),
            ("canceled", .failed), ("partially_delivered", nil),
        ] as [(String, DeliveryStatus?)])
    func mapsTwilioStatusesAsTheNormalisationTableDoes(_ status: String, _ expected: DeliveryStatus?) {
        #expect(TwilioWebhook.deliveryStatus(for: status) == expected)
    }

    @Test func readsTheJSONBodyOfTheBodySHA256Example() throws {
        let body = Data(#"{"MessageSid":"SM123","MessageStatus":"delivered"}"#.utf8)
        let params = try TwilioWebhook.parameters(json: body)
        let update = try TwilioWebhook.deliveryUpdate(from: params, receivedAt: receivedAt)
        #expect(update.providerMessageID == "SM123")
        #expect(update.status == .delivered)
        #expect(update.raw == #"{"MessageSid":"SM123","MessageStatus":"delivered"}"#)
        #expect(throws: ProviderError.malformedWebhook(reason: "Twilio webhook body is not a JSON object")) {
            try TwilioWebhook.parameters(json: Data("MessageSid=SM123".utf8))
        }
    }

    @Test func readsAnInboundSMS() throws {
        let message = try TwilioWebhook.inboundMessage(
            from: TwilioSignatureTests.exampleBParams, receivedAt: receivedAt)
        #expect(message.provider == "twilio")
        #expect(message.providerMessageID == "SM0123456789abcdef0123456789abcdef")
        #expect(message.from == "+14155550199")
        #expect(message.to == "+14155550100")
        #expect(message.body == "Hello world!")
        #expect(message.mediaURLs.isEmpty)
        #expect(message.receivedAt == receivedAt)
    }

    @Test func readsAnInboundMMSWithItsMediaInOrder() throws {
        let body =
            "MessageSid=MM1&From=%2B14155550199&To=%2B14155550100&Body=Look+at+this+%F0%9F%98%80%21"
            + "&NumMedia=2&MediaContentType0=image%2Fjpeg&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2FME0"
            + "&MediaContentType1=image%2Fpng&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm%2FME1"
        let message = try TwilioWebhook.inboundMessage(from: FormParameters(formEncoded: body), receivedAt: receivedAt)
        #expect(message.body == "Look at this 😀!")
        #expect(message.mediaURLs == ["https://api.twilio.com/m/ME0", "https://api.twilio.com/m/ME1"])
        #expect(message.raw == body)
    }

    @Test func rejectsACallbackWithoutAMessageSid() {
        #expect(throws: ProviderError.malformedWebhook(reason: "Twilio status callback without MessageSid")) {
            try TwilioWebhook.deliveryUpdate(from: ["MessageStatus": "sent"])
        }
        #expect(throws: ProviderError.self) {
            try TwilioWebhook.inboundMessage(from: ["From": "+1", "To": "+2"])
        }
    }
}
