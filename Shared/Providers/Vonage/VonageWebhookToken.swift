import Crypto
import Foundation

/// The signed-webhook JWT of the Vonage Messages API (providers.md §5.4): HS256 with the
/// signature secret, whose `payload_hash` claim is the hex SHA-256 of the raw body.
package enum VonageWebhookToken {
    /// The claims we read from a verified token.
    package struct Claims: Sendable, Equatable {
        /// The API key whose signature secret signed the token.
        package var apiKey: String?
        /// Hex SHA-256 of the body the token covers.
        package var payloadHash: String
        /// `iat`.
        package var issuedAt: Date?
        /// `exp`, when present.
        package var expiresAt: Date?
        /// `application_id`, when present (unconfirmed claim).
        package var applicationID: String?

        package init(apiKey: String?, payloadHash: String, issuedAt: Date?, expiresAt: Date?, applicationID: String?) {
            self.apiKey = apiKey
            self.payloadHash = payloadHash
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.applicationID = applicationID
        }
    }

    /// How far `iat` may be from now, either way, by default: the same window as Telnyx's.
    package static let defaultTolerance: Duration = .seconds(300)

    /// Verifies `authorization` (`Bearer <JWT>`, or the bare token) for `body` and returns its claims.
    ///
    /// Throws ``ProviderError/invalidSignature(reason:)`` unless the header says HS256, the
    /// signature matches under `signatureSecret`, `payload_hash` equals the body's SHA-256, `exp`
    /// (when present) is in the future, and `iat` lies within `tolerance` of `now` (pass nil to
    /// skip the age check).
    @discardableResult
    package static func verify(
        authorization: String,
        body: Data,
        signatureSecret: String,
        now: Date = Date(),
        tolerance: Duration? = defaultTolerance
    ) throws(ProviderError) -> Claims {
        var token = authorization.trimmingCharacters(in: .whitespaces)
        if token.lowercased().hasPrefix("bearer ") {
            token = String(token.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3,
            let headerBytes = ByteEncoding.base64URLDecode(segments[0]),
            let payloadBytes = ByteEncoding.base64URLDecode(segments[1]),
            let signature = ByteEncoding.base64URLDecode(segments[2])
        else {
            throw ProviderError.invalidSignature(reason: "the Authorization header is not a JWT")
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerBytes), header.alg == "HS256" else {
            throw ProviderError.invalidSignature(reason: "the JWT is not signed with HS256")
        }
        let signingInput = Data("\(segments[0]).\(segments[1])".utf8)
        let key = SymmetricKey(data: Data(signatureSecret.utf8))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw ProviderError.invalidSignature(reason: "the JWT signature does not match the signature secret")
        }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: payloadBytes) else {
            throw ProviderError.invalidSignature(reason: "the JWT claims are not a JSON object")
        }
        guard let payloadHash = payload.payloadHash?.text else {
            throw ProviderError.invalidSignature(reason: "the JWT has no payload_hash claim")
        }
        let bodyHash = ByteEncoding.hex(SHA256.hash(data: body))
        guard ByteEncoding.constantTimeEquals(Array(bodyHash.utf8), Array(payloadHash.lowercased().utf8)) else {
            throw ProviderError.invalidSignature(reason: "payload_hash does not match the body")
        }
        let claims = Claims(
            apiKey: payload.apiKey?.text,
            payloadHash: payloadHash,
            issuedAt: payload.iat?.seconds.map { Date(timeIntervalSince1970: $0) },
            expiresAt: payload.exp?.seconds.map { Date(timeIntervalSince1970: $0) },
            applicationID: payload.applicationID?.text
        )
        if let expiresAt = claims.expiresAt, expiresAt <= now {
            throw ProviderError.invalidSignature(reason: "the JWT has expired")
        }
        if let tolerance {
            guard let issuedAt = claims.issuedAt else {
                throw ProviderError.invalidSignature(reason: "the JWT has no iat claim")
            }
            let difference = abs(now.timeIntervalSince(issuedAt))
            guard difference <= Double(tolerance.components.seconds) else {
                throw ProviderError.invalidSignature(
                    reason: "the JWT iat is too old or too new (\(Int64(difference))s difference)")
            }
        }
        return claims
    }

    // MARK: Wire

    private struct Header: Decodable {
        var alg: String
    }

    private struct Payload: Decodable {
        var apiKey: JSONScalar?
        var payloadHash: JSONScalar?
        var iat: JSONScalar?
        var exp: JSONScalar?
        var applicationID: JSONScalar?

        enum CodingKeys: String, CodingKey {
            case apiKey = "api_key"
            case payloadHash = "payload_hash"
            case iat, exp
            case applicationID = "application_id"
        }
    }
}

extension JSONScalar {
    /// The value as Unix seconds, when it is a number or a string holding one.
    var seconds: TimeInterval? { text.flatMap { TimeInterval($0) } }
}
