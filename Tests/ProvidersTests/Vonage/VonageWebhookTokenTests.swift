import Crypto
import Foundation
import Providers
import Testing

/// The worked example of providers.md §5.4 (PyJWT 2.15.1; vonage_jwt.verify_signature).
@Suite struct VonageWebhookTokenTests {
    static let secret = "example-signature-secret-0123456789"
    static let body =
        #"{"channel":"sms","message_uuid":"aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab","to":"447700900000","from":"447700900001","timestamp":"2025-02-03T12:14:25Z","text":"Hello From Vonage!","sms":{"num_messages":"1"},"message_type":"text"}"#
    static let token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3Mzg1ODQ4NjUsImp0aSI6ImM3YTlkMWEyLTBmM2ItNGMxZS05ZDViLTFiMmMzZDRlNWY2MCIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImYxMmM1NDkyM2UxZTNmNGViN2VmNzVkNTRjNjQyMDE0MWEwMDVkNmE5NWUwNzk0Zjk3NjIxNTIyYjE1YTIwYmYiLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.Lyk2sbeJXaJoQ0aYKHKltDPbIjkhdXZb3v5uAdzlTgQ"
    static let issuedAt = Date(timeIntervalSince1970: 1_738_584_865)

    @Test func hashesTheBodyAsThePayloadHashClaimSays() {
        #expect(
            SHA256.hash(data: Data(Self.body.utf8)).map { String(format: "%02x", $0) }.joined()
                == "f12c54923e1e3f4eb7ef75d54c6420141a005d6a95e0794f97621522b15a20bf")
    }

    @Test func acceptsTheDocumentedTokenAndReturnsItsClaims() throws {
        let claims = try VonageWebhookToken.verify(
            authorization: "Bearer \(Self.token)", body: Data(Self.body.utf8), signatureSecret: Self.secret,
            now: Self.issuedAt.addingTimeInterval(10))
        #expect(
            claims
                == VonageWebhookToken.Claims(
                    apiKey: "abcd1234",
                    payloadHash: "f12c54923e1e3f4eb7ef75d54c6420141a005d6a95e0794f97621522b15a20bf",
                    issuedAt: Self.issuedAt,
                    expiresAt: nil,
                    applicationID: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
                ))
    }

    @Test func acceptsTheBareToken() throws {
        try VonageWebhookToken.verify(
            authorization: Self.token, body: Data(Self.body.utf8), signatureSecret: Self.secret, now: Self.issuedAt)
    }

    @Test func rejectsAWrongSecret() {
        #expect(throws: ProviderError.invalidSignature(reason: "the JWT signature does not match the signature secret"))
        {
            try VonageWebhookToken.verify(
                authorization: "Bearer \(Self.token)", body: Data(Self.body.utf8), signatureSecret: "wrong-secret",
                now: Self.issuedAt)
        }
    }

    @Test func rejectsABodyThatDoesNotMatchThePayloadHash() {
        let changed = Self.body.replacingOccurrences(of: "Hello From Vonage!", with: "Hello From Mallory")
        #expect(throws: ProviderError.invalidSignature(reason: "payload_hash does not match the body")) {
            try VonageWebhookToken.verify(
                authorization: "Bearer \(Self.token)", body: Data(changed.utf8), signatureSecret: Self.secret,
                now: Self.issuedAt)
        }
    }

    @Test func rejectsAStaleTokenUnlessTheAgeCheckIsOff() throws {
        #expect(throws: ProviderError.invalidSignature(reason: "the JWT iat is too old or too new (301s difference)")) {
            try VonageWebhookToken.verify(
                authorization: Self.token, body: Data(Self.body.utf8), signatureSecret: Self.secret,
                now: Self.issuedAt.addingTimeInterval(301))
        }
        try VonageWebhookToken.verify(
            authorization: Self.token, body: Data(Self.body.utf8), signatureSecret: Self.secret,
            now: Self.issuedAt.addingTimeInterval(86_400), tolerance: nil)
    }

    @Test func rejectsAnExpiredToken() {
        let token = Self.sign(claims: #"{"iat":1738584865,"exp":1738584900,"payload_hash":"\#(Self.hash(Self.body))"}"#)
        #expect(throws: ProviderError.invalidSignature(reason: "the JWT has expired")) {
            try VonageWebhookToken.verify(
                authorization: token, body: Data(Self.body.utf8), signatureSecret: Self.secret,
                now: Date(timeIntervalSince1970: 1_738_584_900))
        }
    }

    @Test func rejectsATokenWithoutPayloadHash() {
        let token = Self.sign(claims: #"{"iat":1738584865,"api_key":"abcd1234"}"#)
        #expect(throws: ProviderError.invalidSignature(reason: "the JWT has no payload_hash claim")) {
            try VonageWebhookToken.verify(
                authorization: token, body: Data(Self.body.utf8), signatureSecret: Self.secret, now: Self.issuedAt)
        }
    }

    @Test func rejectsUnsignedAndMalformedTokens() {
        let parts = Self.token.split(separator: ".")
        let unsignedHeader = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(throws: ProviderError.invalidSignature(reason: "the JWT is not signed with HS256")) {
            try VonageWebhookToken.verify(
                authorization: "\(unsignedHeader).\(parts[1]).", body: Data(Self.body.utf8),
                signatureSecret: Self.secret, now: Self.issuedAt)
        }
        #expect(throws: ProviderError.invalidSignature(reason: "the Authorization header is not a JWT")) {
            try VonageWebhookToken.verify(
                authorization: "Basic YWJjOmRlZg==", body: Data(Self.body.utf8), signatureSecret: Self.secret,
                now: Self.issuedAt)
        }
    }

    // MARK: Helpers

    static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// An HS256 token over `claims` with the example secret.
    static func sign(claims: String) -> String {
        let input = base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + base64URL(Data(claims.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return input + "." + base64URL(Data(mac))
    }
}
