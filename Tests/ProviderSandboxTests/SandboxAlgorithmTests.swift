import Crypto
import Foundation
import Testing

@testable import ProviderSandboxKit

/// The sandbox's own algorithms against the worked examples of providers.md.
@Suite struct SandboxAlgorithmTests {
    @Test(arguments: [
        (String(repeating: "a", count: 160), 1), (String(repeating: "a", count: 161), 2),
        (String(repeating: "a", count: 306), 2), (String(repeating: "a", count: 307), 3),
        (String(repeating: "€", count: 80), 1), (String(repeating: "€", count: 81), 2),
        (String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 152), 3),
        (String(repeating: "ж", count: 70), 1), (String(repeating: "ж", count: 71), 2),
        (String(repeating: "ж", count: 134), 2), (String(repeating: "ж", count: 135), 3),
        (String(repeating: "😀", count: 35), 1), (String(repeating: "😀", count: 36), 2),
        (String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 66), 3),
        ("Hello 😀", 1), ("`", 1),
    ])
    func countsSegmentsLikeTheWorkedExamples(text: String, segments: Int) {
        #expect(SandboxSegmentCounter.count(text).segments == segments)
    }

    @Test func picksTheEncoding() {
        #expect(SandboxSegmentCounter.count("Hello @£$¥ {}[]~").encoding == .gsm7)
        #expect(SandboxSegmentCounter.count("Hello `").encoding == .ucs2)
        #expect(SandboxSegmentCounter.count("ç").encoding == .ucs2)
        #expect(SandboxSegmentCounter.count("€€").units == 4)
    }

    @Test func signsTwilioRequestsLikeTheWorkedExamples() {
        let exampleA: [(name: String, value: String)] = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        #expect(
            TwilioWebhooks.signature(url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: exampleA, authToken: "12345")
                == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        let exampleC: [(name: String, value: String)] = [
            ("MessageSid", "SM1234567890abcdef1234567890abcdef"), ("MessageStatus", "delivered"), ("To", "+15558675310"),
            ("From", "+15017122661"), ("AccountSid", "AC1234567890abcdef1234567890abcdef"), ("ApiVersion", "2010-04-01"),
            ("SmsSid", "SM1234567890abcdef1234567890abcdef"), ("SmsStatus", "delivered"),
        ]
        #expect(
            TwilioWebhooks.signature(url: "https://example.com/twilio/status", parameters: exampleC, authToken: "12345")
                == "F7zjNmxhl9/fZET/NmzhQUfsCKU=")
        // The test's own verifier agrees on the same vector.
        #expect(
            SignatureVerifiers.twilio(url: "https://example.com/twilio/status", parameters: exampleC, token: "12345")
                == "F7zjNmxhl9/fZET/NmzhQUfsCKU=")
    }

    @Test func signsTelnyxWebhooksLikeTheWorkedExample() throws {
        let seed = Data(SHA256.hash(data: Data("sms-emulator-telnyx-test-key".utf8)))
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        let body = #"{"data":{"event_type":"message.received","id":"b301ed3f-1490-491f-995f-6e64e69674d4","occurred_at":"2024-01-15T20:16:07.588+00:00","payload":{"direction":"inbound","from":{"phone_number":"+13125550001"},"id":"84cca175-9755-4859-b67f-4730d7f58aa3","text":"Hello!","to":[{"phone_number":"+17735550002","status":"webhook_delivered"}],"type":"SMS"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://example.com/webhooks"}}"#
        let headers = TelnyxWebhooks.signatureHeaders(body: body, key: key, timestamp: 1_705_349_767)
        #expect(headers.first { $0.name == "telnyx-timestamp" }?.value == "1705349767")
        let signature = try #require(headers.first { $0.name == "telnyx-signature-ed25519" }?.value)
        #expect(key.publicKey.isValidSignature(Data(base64Encoded: signature)!, for: Data("1705349767|\(body)".utf8)))
        // Ed25519 is deterministic: the same key and message give the document's signature.
        #expect(
            signature == "y5etxhhiNkCf3MxiEq15/GgUciHmSHq2FU2PWAS+tBSo7md297zLVBujRmpAEx4YCbzZqjiFtqXvF+5Dnp5XDQ==")
    }

    @Test func verifiesTheVonageWorkedExampleToken() {
        // Checks the test's verifier against providers.md §5.4 before it judges the sandbox.
        let body = #"{"channel":"sms","message_uuid":"aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab","to":"447700900000","from":"447700900001","timestamp":"2025-02-03T12:14:25Z","text":"Hello From Vonage!","sms":{"num_messages":"1"},"message_type":"text"}"#
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3Mzg1ODQ4NjUsImp0aSI6ImM3YTlkMWEyLTBmM2ItNGMxZS05ZDViLTFiMmMzZDRlNWY2MCIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImYxMmM1NDkyM2UxZTNmNGViN2VmNzVkNTRjNjQyMDE0MWEwMDVkNmE5NWUwNzk0Zjk3NjIxNTIyYjE1YTIwYmYiLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.Lyk2sbeJXaJoQ0aYKHKltDPbIjkhdXZb3v5uAdzlTgQ"
        let secret = "example-signature-secret-0123456789"
        #expect(SignatureVerifiers.vonage(authorization: "Bearer " + token, body: body, secret: secret)?["api_key"] as? String == "abcd1234")
        #expect(SignatureVerifiers.vonage(authorization: "Bearer " + token, body: body, secret: "wrong") == nil)
        // And the sandbox's tokens pass the same verifier.
        let account = SandboxAccount.vonage(apiKey: "abcd1234", apiSecret: "s", signatureSecret: secret)
        let minted = VonageWebhooks.bearerToken(body: body, account: account, issuedAt: 1_738_584_865)
        #expect(SignatureVerifiers.vonage(authorization: "Bearer " + minted, body: body, secret: secret) != nil)
    }

    @Test func tracksTheBusiestSecond() {
        var window = SlidingWindow()
        for time in [0.0, 500, 999, 1000, 1600] { window.add(time) }
        #expect(window.peak == 3)
        window.add(1601)
        #expect(window.peak == 4)
        #expect(window.count(at: 2600) == 1)
        #expect(window.count(at: 5000) == 0)
    }

    @Test func roundTripsFormEncoding() {
        let pairs: [(name: String, value: String)] = [("Body", "a b&c=d+€"), ("To", "+15558675310"), ("MediaUrl", "x"), ("MediaUrl", "y")]
        let decoded = FormCoding.decode(Array(FormCoding.encode(pairs).utf8))
        #expect(decoded.map(\.name) == pairs.map(\.name))
        #expect(decoded.map(\.value) == pairs.map(\.value))
        #expect(FormCoding.encode([("To", "+1 2")]) == "To=%2B1+2")
    }

    @Test func writesEscapedJSON() throws {
        var json = JSONWriter()
        json.beginObject()
        json.field("text", "quote \" backslash \\ newline \n tab \t bell \u{07} €")
        json.field("none", nil as String?)
        json.field("list", strings: ["a", "b"])
        json.endObject()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        #expect(parsed["text"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} €")
        #expect(parsed["none"] is NSNull)
        #expect(parsed["list"] as? [String] == ["a", "b"])
    }
}
