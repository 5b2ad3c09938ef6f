import Crypto
import Foundation
import Providers
import Testing

/// The worked example of providers.md §3.4 (PyNaCl 1.6.2, checked with the telnyx SDK).
@Suite struct TelnyxSignatureTests {
    static let publicKey = "WPKZRmyH6Vd9uYbWQfTz8SHvuPZE40MqbYYU4mr8ApY="
    static let timestamp = "1705349767"
    static let body =
        #"{"data":{"event_type":"message.received","id":"b301ed3f-1490-491f-995f-6e64e69674d4","occurred_at":"2024-01-15T20:16:07.588+00:00","payload":{"direction":"inbound","from":{"phone_number":"+13125550001"},"id":"84cca175-9755-4859-b67f-4730d7f58aa3","text":"Hello!","to":[{"phone_number":"+17735550002","status":"webhook_delivered"}],"type":"SMS"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://example.com/webhooks"}}"#
    static let signature = "y5etxhhiNkCf3MxiEq15/GgUciHmSHq2FU2PWAS+tBSo7md297zLVBujRmpAEx4YCbzZqjiFtqXvF+5Dnp5XDQ=="
    static let signedAt = Date(timeIntervalSince1970: 1_705_349_767)

    @Test func derivesTheDocumentedPublicKeyFromTheSeed() throws {
        let seed = SHA256.hash(data: Data("sms-emulator-telnyx-test-key".utf8))
        #expect(
            seed.map { String(format: "%02x", $0) }.joined()
                == "3a68c5ab1c85c8349a8d36a50b5ae65258a3b047748ca7d31f6f7fdf7dadf055")
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Data(seed))
        #expect(key.publicKey.rawRepresentation.base64EncodedString() == Self.publicKey)
    }

    @Test func signsTheTimestampABarAndTheBody() {
        #expect(Self.body.utf8.count == 435)
        let signed = Data("\(Self.timestamp)|\(Self.body)".utf8)
        #expect(signed.count == 446)
        #expect(
            SHA256.hash(data: signed).map { String(format: "%02x", $0) }.joined()
                == "462d86b543b0d81c4ef1fd2763ae73bb7b34fdae895c69c058871444d9059784")
    }

    @Test func acceptsTheDocumentedSignatureTenSecondsLater() throws {
        try TelnyxSignature.verify(
            body: Data(Self.body.utf8), signature: Self.signature, timestamp: Self.timestamp, publicKey: Self.publicKey,
            now: Self.signedAt.addingTimeInterval(10))
    }

    @Test func rejectsAChangedBody() {
        let changed = Self.body.replacingOccurrences(of: "Hello!", with: "Hello?")
        #expect(throws: ProviderError.invalidSignature(reason: "the signature does not match the payload")) {
            try TelnyxSignature.verify(
                body: Data(changed.utf8), signature: Self.signature, timestamp: Self.timestamp,
                publicKey: Self.publicKey,
                now: Self.signedAt.addingTimeInterval(10))
        }
    }

    @Test func rejectsATimestampMoreThanFiveMinutesAwayEitherWay() {
        for offset in [301.0, -301.0] {
            #expect(
                throws: ProviderError.invalidSignature(reason: "the timestamp is too old or too new (301s difference)")
            ) {
                try TelnyxSignature.verify(
                    body: Data(Self.body.utf8), signature: Self.signature, timestamp: Self.timestamp,
                    publicKey: Self.publicKey, now: Self.signedAt.addingTimeInterval(offset))
            }
        }
    }

    @Test func rejectsAnotherTimestampEvenWithinTheWindow() {
        #expect(throws: ProviderError.self) {
            try TelnyxSignature.verify(
                body: Data(Self.body.utf8), signature: Self.signature, timestamp: "1705349768",
                publicKey: Self.publicKey,
                now: Self.signedAt)
        }
    }

    @Test func rejectsMalformedKeysAndSignatures() {
        let body = Data(Self.body.utf8)
        #expect(throws: ProviderError.invalidSignature(reason: "the Telnyx public key is not base64 of 32 bytes")) {
            try TelnyxSignature.verify(
                body: body, signature: Self.signature, timestamp: Self.timestamp, publicKey: "AAAA", now: Self.signedAt)
        }
        #expect(throws: ProviderError.invalidSignature(reason: "the signature is not base64 of 64 bytes")) {
            try TelnyxSignature.verify(
                body: body, signature: "not base64", timestamp: Self.timestamp, publicKey: Self.publicKey,
                now: Self.signedAt)
        }
        #expect(throws: ProviderError.invalidSignature(reason: "the timestamp is not Unix seconds")) {
            try TelnyxSignature.verify(
                body: body, signature: Self.signature, timestamp: "yesterday", publicKey: Self.publicKey,
                now: Self.signedAt)
        }
    }
}
