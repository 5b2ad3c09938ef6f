import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ProviderSandboxKit
import Testing

@Suite struct TwilioEmulationTests {
    private static let ordinaryTo = "+15558675310"
    private static let from = "+15017122661"

    @Test func rejectsWrongCredentialsWithError20003() async throws {
        try await SandboxHarness.run { sandbox in
            for (sid, password) in [
                (TestAccounts.twilioSID, "wrong-token"), ("AC00000000000000000000000000000000", TestAccounts.twilioToken),
            ] {
                let response = try await sandbox.twilioSend(
                    [("To", Self.ordinaryTo), ("From", Self.from), ("Body", "hi")], accountSID: sid, password: password)
                #expect(response.status == .unauthorized)
                let body = try jsonObject(response)
                #expect(body["code"] as? Int == 20003)
                #expect(body["status"] as? Int == 401)
                #expect(body["more_info"] as? String == "https://www.twilio.com/docs/errors/20003")
            }
            let anonymous = try await sandbox.client.execute(
                uri: "/2010-04-01/Accounts/\(TestAccounts.twilioSID)/Messages.json", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "To=%2B15558675310"))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test(arguments: [
        ([("From", from), ("Body", "hi")], 21604),
        ([("To", ordinaryTo), ("Body", "hi")], 21603),
        ([("To", ordinaryTo), ("From", from)], 21602),
        ([("To", "5558675310"), ("From", from), ("Body", "hi")], 21211),
        ([("To", ordinaryTo), ("From", "not a number!"), ("Body", "hi")], 21212),
        ([("To", ordinaryTo), ("From", from), ("Body", String(repeating: "a", count: 1601))], 21617),
        ([("To", ordinaryTo), ("From", from), ("Body", "hi"), ("StatusCallback", "not-a-url")], 21609),
        ([("To", ordinaryTo), ("From", from), ("MediaUrl", "ftp://example.com/a.jpg")], 21620),
    ])
    func rejectsInvalidWireFormatWithTwilioErrorCode(parameters: [(String, String)], code: Int) async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.twilioSend(parameters)
            #expect(response.status == .badRequest)
            let body = try jsonObject(response)
            #expect(body["code"] as? Int == code)
            #expect(body["status"] as? Int == 400)
            #expect(body["message"] is String)
            let recorded = try #require(sandbox.state.messages().last)
            #expect(recorded.httpStatus == 400)
            #expect(recorded.errorCode == String(code))
        }
    }

    @Test func answersValidSendWithMessageResourceAndSMSid() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.twilioSend(
                [("To", Self.ordinaryTo), ("From", Self.from), ("Body", String(repeating: "a", count: 161))])
            #expect(response.status == .created)
            let body = try jsonObject(response)
            let sid = try #require(body["sid"] as? String)
            #expect(sid.hasPrefix("SM") && isLowerHex(sid.dropFirst(2), count: 32))
            #expect(body["status"] as? String == "queued")
            #expect(body["num_segments"] as? String == "2")
            #expect(body["num_media"] as? String == "0")
            #expect(body["account_sid"] as? String == TestAccounts.twilioSID)
            #expect(body["to"] as? String == Self.ordinaryTo)
            #expect(body["from"] as? String == Self.from)
            #expect(body["direction"] as? String == "outbound-api")
            #expect((body["date_created"] as? String)?.hasSuffix("+0000") == true)
            #expect(sandbox.state.message(id: sid)?.segments == 2)
        }
    }

    @Test func answersMediaSendWithMMSid() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.twilioSend([
                ("To", Self.ordinaryTo), ("From", Self.from), ("MediaUrl", "https://example.com/a.jpg"),
                ("MediaUrl", "https://example.com/b.png"),
            ])
            #expect(response.status == .created)
            let body = try jsonObject(response)
            #expect((body["sid"] as? String)?.hasPrefix("MM") == true)
            #expect(body["num_media"] as? String == "2")
            #expect(sandbox.state.messages().last?.mediaURLs == ["https://example.com/a.jpg", "https://example.com/b.png"])
        }
    }

    @Test func answersMessagingServiceSendAsAccepted() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.twilioSend([
                ("To", Self.ordinaryTo), ("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"), ("Body", "hi"),
            ])
            #expect(response.status == .created)
            let body = try jsonObject(response)
            #expect(body["status"] as? String == "accepted")
            #expect(body["num_segments"] as? String == "0")
        }
    }

    @Test func postsSignedStatusCallbacksSentThenDelivered() async throws {
        try await SandboxHarness.run { sandbox in
            let callbackURL = sandbox.receiverURL + "/twilio/status?tenant=acme"
            let response = try await sandbox.twilioSend([
                ("To", Self.ordinaryTo), ("From", Self.from), ("Body", "hello"), ("StatusCallback", callbackURL),
            ])
            #expect(response.status == .created)
            let sid = try #require(try jsonObject(response)["sid"] as? String)

            let callbacks = await sandbox.receiver.waitFor(path: "/twilio/status", count: 2)
            try #require(callbacks.count == 2)
            for callback in callbacks {
                #expect(callback.query == "tenant=acme")
                #expect(callback.header("Content-Type") == "application/x-www-form-urlencoded")
                let parameters = formDecode(callback.body)
                let expected = SignatureVerifiers.twilio(
                    url: callbackURL, parameters: parameters, token: TestAccounts.twilioToken)
                #expect(callback.header("X-Twilio-Signature") == expected)
                let fields = Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                #expect(fields["MessageSid"] == sid)
                #expect(fields["SmsSid"] == sid)
                #expect(fields["AccountSid"] == TestAccounts.twilioSID)
                #expect(fields["To"] == Self.ordinaryTo)
                #expect(fields["From"] == Self.from)
                #expect(fields["ApiVersion"] == "2010-04-01")
                #expect(fields["MessageStatus"] == fields["SmsStatus"])
            }
            let statuses = callbacks.map { formDecode($0.body).first { $0.name == "MessageStatus" }?.value }
            #expect(statuses == ["sent", "delivered"])

            let recorded = await eventually { sandbox.state.message(id: sid)?.callbacks.count == 2 }
            #expect(recorded)
            #expect(sandbox.state.message(id: sid)?.callbacks.map(\.status) == ["sent", "delivered"])
            #expect(sandbox.state.message(id: sid)?.callbacks.map(\.httpStatus) == [200, 200])
        }
    }
}
