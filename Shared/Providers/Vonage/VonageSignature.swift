import Crypto
import Foundation

/// The Vonage SMS API `sig` parameter (providers.md §4.4), on inbound SMS and delivery receipts
/// when signed webhooks are enabled.
///
/// The canonical string is `&key=value…` over every parameter but `sig`, keys in byte order,
/// `&` and `=` in values replaced by `_`; the signature is hex MD5 of it followed by the
/// signature secret (`md5hash`) or a hex HMAC of it keyed by the secret.
package enum VonageSignature {
    /// The dashboard's signature method for the API key.
    package enum Method: String, Sendable, CaseIterable, Codable {
        /// MD5 of the canonical string followed by the secret; Vonage's default.
        case md5hash
        /// HMAC-MD5.
        case md5
        /// HMAC-SHA1.
        case sha1
        /// HMAC-SHA256.
        case sha256
        /// HMAC-SHA512.
        case sha512
    }

    /// The string Vonage signs. When a key repeats, its last value counts.
    package static func canonicalString(params: FormParameters) -> String {
        var values: [String: String] = [:]
        for pair in params.pairs where pair.name != "sig" {
            values[pair.name] = pair.value
        }
        return values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { key in
                let value = values[key, default: ""].replacingOccurrences(of: "&", with: "_")
                    .replacingOccurrences(of: "=", with: "_")
                return "&\(key)=\(value)"
            }
            .joined()
    }

    /// The lowercase hex signature of `params` (any `sig` among them is left out).
    package static func compute(params: FormParameters, secret: String, method: Method) -> String {
        let message = Data(canonicalString(params: params).utf8)
        let key = SymmetricKey(data: Data(secret.utf8))
        switch method {
        case .md5hash:
            return ByteEncoding.hex(Insecure.MD5.hash(data: message + Data(secret.utf8)))
        case .md5:
            return ByteEncoding.hex(HMAC<Insecure.MD5>.authenticationCode(for: message, using: key))
        case .sha1:
            return ByteEncoding.hex(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256:
            return ByteEncoding.hex(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512:
            return ByteEncoding.hex(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }

    /// How far a signed webhook's `timestamp` may be from now, either way: the 5 minutes Telnyx's
    /// SDK allows, as Vonage documents no window of its own.
    package static let defaultTolerance: Duration = .seconds(300)

    /// Whether the `sig` among `params` is their signature; hex case does not matter.
    /// The `timestamp` is not checked for age here: ``verify(params:secret:method:now:tolerance:)`` does.
    package static func validate(params: FormParameters, secret: String, method: Method) -> Bool {
        guard let signature = params["sig"] else { return false }
        let expected = compute(params: params, secret: secret, method: method)
        return ByteEncoding.constantTimeEquals(Array(expected.utf8), Array(signature.lowercased().utf8))
    }

    /// Throws ``ProviderError/invalidSignature(reason:)`` unless `params` carry a `sig` that is
    /// their signature and a `timestamp` (Unix seconds, signed with the rest) within `tolerance`
    /// of `now`. The signature alone does not stop a replay: a request captured yesterday still
    /// verifies, so its age is checked too.
    package static func verify(
        params: FormParameters,
        secret: String,
        method: Method,
        now: Date = Date(),
        tolerance: Duration = defaultTolerance
    ) throws(ProviderError) {
        guard params["sig"] != nil else {
            throw ProviderError.invalidSignature(reason: "the request has no sig parameter")
        }
        guard validate(params: params, secret: secret, method: method) else {
            throw ProviderError.invalidSignature(reason: "the sig does not match the parameters")
        }
        guard let timestamp = params["timestamp"] else {
            throw ProviderError.invalidSignature(reason: "the signed request has no timestamp")
        }
        try SignedTimestamp.check(timestamp, now: now, tolerance: tolerance)
    }
}
