import Crypto
import Foundation

/// The `X-Twilio-Signature` check (providers.md §2.4, as `twilio/request_validator.py` does it).
///
/// The string to sign is the full URL Twilio requested followed by every form parameter name
/// and value, names in code-point order; the signature is the base64 HMAC of it keyed by the
/// account's Auth Token.
package enum TwilioSignature {
    /// The digest of the HMAC.
    package enum Algorithm: String, Sendable {
        /// HMAC-SHA1, the default.
        case hmacSHA1 = "HMAC_SHA1"
        /// HMAC-SHA256, chosen by `X-Twilio-Webhooks-Signature-Settings: …,algorithm=HMAC_SHA256`.
        case hmacSHA256 = "HMAC_SHA256"

        /// The algorithm an `X-Twilio-Webhooks-Signature-Settings` header selects; SHA-1 without one.
        package init(signatureSettings header: String?) {
            let fields = (header ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let algorithm = fields.first { $0.hasPrefix("algorithm=") }?.dropFirst("algorithm=".count)
            self = algorithm == "HMAC_SHA256" ? .hmacSHA256 : .hmacSHA1
        }
    }

    /// The text Twilio signs: `url`, then for each parameter name in code-point order the name and
    /// each of its distinct values in code-point order, with no separators.
    package static func stringToSign(url: String, params: FormParameters) -> String {
        var valuesByName: [String: Set<String>] = [:]
        for pair in params.pairs {
            valuesByName[pair.name, default: []].insert(pair.value)
        }
        var text = url
        for name in valuesByName.keys.sorted(by: codePointOrder) {
            for value in valuesByName[name, default: []].sorted(by: codePointOrder) {
                text += name + value
            }
        }
        return text
    }

    /// The base64 signature of `url` and `params` under `authToken`.
    package static func compute(
        url: String,
        params: FormParameters = [:],
        authToken: String,
        algorithm: Algorithm = .hmacSHA1
    ) -> String {
        let key = SymmetricKey(data: Data(authToken.utf8))
        let message = Data(stringToSign(url: url, params: params).utf8)
        switch algorithm {
        case .hmacSHA1:
            return Data(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key)).base64EncodedString()
        case .hmacSHA256:
            return Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
        }
    }

    /// Whether `signature` is Twilio's signature of a form (or `GET`, with no parameters) webhook.
    ///
    /// `url` is the URL Twilio requested: `WEBHOOK_PUBLIC_URL` + path + query. Like the SDK, this
    /// accepts the signature computed with the scheme's default port written out or with no port,
    /// because Twilio's own URLs are inconsistent.
    package static func validate(
        signature: String,
        url: String,
        params: FormParameters,
        authToken: String,
        algorithm: Algorithm = .hmacSHA1
    ) -> Bool {
        let candidates = Set([url, URLPorts.withDefaultPort(url), URLPorts.withoutPort(url)])
        var valid = false
        for candidate in candidates {
            let expected = compute(url: candidate, params: params, authToken: authToken, algorithm: algorithm)
            // Evaluate every candidate, so timing does not tell which URL form matched.
            valid = ByteEncoding.constantTimeEquals(Array(expected.utf8), Array(signature.utf8)) || valid
        }
        return valid
    }

    /// Whether `signature` is Twilio's signature of a JSON-body webhook: the URL carries
    /// `bodySHA256` = hex SHA-256 of the raw body, and the signature covers the URL alone.
    package static func validate(
        signature: String,
        url: String,
        jsonBody: Data,
        authToken: String,
        algorithm: Algorithm = .hmacSHA1
    ) -> Bool {
        guard
            let expectedHash = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "bodySHA256" })?.value
        else {
            return false
        }
        let bodyHash = ByteEncoding.hex(SHA256.hash(data: jsonBody))
        let hashMatches = ByteEncoding.constantTimeEquals(Array(bodyHash.utf8), Array(expectedHash.lowercased().utf8))
        let signatureMatches = validate(
            signature: signature, url: url, params: [:], authToken: authToken, algorithm: algorithm)
        return hashMatches && signatureMatches
    }

    /// Code-point (equivalently UTF-8 byte) order, as Python's `sorted` orders strings; Swift's own
    /// `<` compares by canonical equivalence instead.
    private static func codePointOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}

/// Adds or removes the port of a URL without re-encoding anything else in it.
enum URLPorts {
    /// `url` with the scheme's default port written out when it has no port (`https://h:443/…`).
    static func withDefaultPort(_ url: String) -> String {
        guard let parts = split(url), parts.port == nil else { return url }
        let port: String
        switch parts.scheme.lowercased() {
        case "https": port = "443"
        case "http": port = "80"
        default: return url
        }
        return parts.scheme + "://" + parts.host + ":" + port + parts.rest
    }

    /// `url` without any port (`https://h/…`).
    static func withoutPort(_ url: String) -> String {
        guard let parts = split(url), parts.port != nil else { return url }
        return parts.scheme + "://" + parts.host + parts.rest
    }

    /// Scheme, host (with any user info), port and the rest (path, query, fragment) of `url`.
    private static func split(_ url: String) -> (scheme: String, host: String, port: String?, rest: String)? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = String(url[..<schemeEnd.lowerBound])
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let rest = String(afterScheme[authorityEnd...])
        // A colon after the last `]` (IPv6 literal) and after any user info starts the port.
        let hostStart = authority.lastIndex(of: "@").map(authority.index(after:)) ?? authority.startIndex
        let searchStart = authority[hostStart...].lastIndex(of: "]") ?? hostStart
        guard let colon = authority[searchStart...].lastIndex(of: ":") else {
            return (scheme, String(authority), nil, rest)
        }
        return (scheme, String(authority[..<colon]), String(authority[authority.index(after: colon)...]), rest)
    }
}
