import Foundation
import Providers
import Testing

/// The worked example of providers.md §4.4 (vonage-http-client 1.5.2, plus a manual MD5).
@Suite struct VonageSignatureTests {
    static let secret = "example-signature-secret-0123456789"

    static let receipt: FormParameters = [
        "msisdn": "447700900000", "to": "AcmeInc", "network-code": "23410", "messageId": "0A0000001234567B",
        "price": "0.03330000", "status": "delivered", "scts": "2001011400", "err-code": "0", "api-key": "abcd1234",
        "message-timestamp": "2020-01-01 14:00:00", "timestamp": "1577887200",
        "nonce": "ec11dd3e-1e7f-4db5-9467-82b02cd223b9",
    ]

    static let signatures: [(VonageSignature.Method, String)] = [
        (.md5hash, "5a309153735af2fdc679794b022e53d7"),
        (.md5, "ee2260f47ec2874b442e39fa00022db5"),
        (.sha1, "2167c2008a45ca7e8ccb782167b18e9a1cbe96c2"),
        (.sha256, "e2862127f46a594da851c57d9b01d9bc4c68db20283bf97c1a18e24c4d9a24e6"),
        (
            .sha512,
            "f60e68e297b52938ae53e1fe4a6aeb9a9c9066a7d98e992446d3f3c150c0026a0f504340260bbe138baf14e24bdb81f38d0ee311a239a630bfde2e5349247386"
        ),
    ]

    @Test func buildsTheCanonicalStringWithKeysInByteOrder() {
        #expect(
            VonageSignature.canonicalString(params: Self.receipt)
                == "&api-key=abcd1234&err-code=0&message-timestamp=2020-01-01 14:00:00&messageId=0A0000001234567B&msisdn=447700900000&network-code=23410&nonce=ec11dd3e-1e7f-4db5-9467-82b02cd223b9&price=0.03330000&scts=2001011400&status=delivered&timestamp=1577887200&to=AcmeInc"
        )
    }

    @Test(arguments: signatures)
    func computesTheDocumentedSignature(_ method: VonageSignature.Method, _ expected: String) {
        #expect(VonageSignature.compute(params: Self.receipt, secret: Self.secret, method: method) == expected)
    }

    @Test(arguments: signatures)
    func validatesTheSignatureInEitherCase(_ method: VonageSignature.Method, _ expected: String) {
        for sig in [expected, expected.uppercased()] {
            var params = Self.receipt
            params.append("sig", sig)
            #expect(VonageSignature.validate(params: params, secret: Self.secret, method: method))
        }
    }

    @Test func rejectsATamperedReceiptAWrongSecretOrAMissingSig() {
        var tampered = FormParameters(Self.receipt.pairs.map { $0.name == "status" ? ($0.name, "failed") : $0 })
        tampered.append("sig", "e2862127f46a594da851c57d9b01d9bc4c68db20283bf97c1a18e24c4d9a24e6")
        #expect(!VonageSignature.validate(params: tampered, secret: Self.secret, method: .sha256))
        var signed = Self.receipt
        signed.append("sig", "e2862127f46a594da851c57d9b01d9bc4c68db20283bf97c1a18e24c4d9a24e6")
        #expect(!VonageSignature.validate(params: signed, secret: "another-secret", method: .sha256))
        #expect(!VonageSignature.validate(params: Self.receipt, secret: Self.secret, method: .sha256))
    }

    @Test func replacesAmpersandsAndEqualsSignsInValues() {
        let params: FormParameters = ["text": "a=b&c", "sig": "ignored", "api-key": "k"]
        #expect(VonageSignature.canonicalString(params: params) == "&api-key=k&text=a_b_c")
    }

    @Test func validatesAReceiptDecodedFromAQueryString() throws {
        let query =
            FormParameters.encode(Self.receipt.pairs)
            + "&sig=E2862127F46A594DA851C57D9B01D9BC4C68DB20283BF97C1A18E24C4D9A24E6"
        let params = try FormParameters(formEncoded: "?" + query)
        #expect(params["message-timestamp"] == "2020-01-01 14:00:00")
        #expect(VonageSignature.validate(params: params, secret: Self.secret, method: .sha256))
    }

    // MARK: Timestamp age (signed webhooks carry `timestamp`, signed with the rest)

    static let signedAt = Date(timeIntervalSince1970: 1_577_887_200)

    static var signedReceipt: FormParameters {
        var params = receipt
        params.append("sig", "e2862127f46a594da851c57d9b01d9bc4c68db20283bf97c1a18e24c4d9a24e6")
        return params
    }

    @Test func acceptsTheDocumentedReceiptWithinFiveMinutesOfItsTimestamp() throws {
        for offset in [-300.0, 10, 300] {
            try VonageSignature.verify(
                params: Self.signedReceipt, secret: Self.secret, method: .sha256,
                now: Self.signedAt.addingTimeInterval(offset))
        }
    }

    @Test func rejectsACorrectlySignedReceiptMoreThanFiveMinutesAwayEitherWay() {
        for offset in [301.0, -301.0] {
            #expect(
                throws: ProviderError.invalidSignature(reason: "the timestamp is too old or too new (301s difference)")
            ) {
                try VonageSignature.verify(
                    params: Self.signedReceipt, secret: Self.secret, method: .sha256,
                    now: Self.signedAt.addingTimeInterval(offset))
            }
        }
    }

    @Test func rejectsASignedRequestWithoutATimestamp() {
        var params = FormParameters(Self.receipt.pairs.filter { $0.name != "timestamp" })
        params.append("sig", VonageSignature.compute(params: params, secret: Self.secret, method: .md5hash))
        #expect(VonageSignature.validate(params: params, secret: Self.secret, method: .md5hash))
        #expect(throws: ProviderError.invalidSignature(reason: "the signed request has no timestamp")) {
            try VonageSignature.verify(params: params, secret: Self.secret, method: .md5hash, now: Self.signedAt)
        }
    }

    @Test func rejectsAMissingOrWrongSigBeforeLookingAtTheTime() {
        #expect(throws: ProviderError.invalidSignature(reason: "the request has no sig parameter")) {
            try VonageSignature.verify(params: Self.receipt, secret: Self.secret, method: .sha256, now: Self.signedAt)
        }
        #expect(throws: ProviderError.invalidSignature(reason: "the sig does not match the parameters")) {
            try VonageSignature.verify(
                params: Self.signedReceipt, secret: "another-secret", method: .sha256, now: Self.signedAt)
        }
    }
}
