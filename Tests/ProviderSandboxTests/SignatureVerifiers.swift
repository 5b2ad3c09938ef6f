import Crypto
import Foundation

/// Webhook signature checks written from providers.md alone, without the sandbox's code, so a
/// passing test means the two independent readings agree.
enum SignatureVerifiers {
    /// Twilio (§2.4): base64 HMAC-SHA1(auth token, URL + each name and value, sorted by name).
    static func twilio(url: String, parameters: [(name: String, value: String)], token: String) -> String {
        let sorted = parameters.sorted { lhs, rhs in
            lhs.name == rhs.name ? Array(lhs.value.utf8).lexicographicallyPrecedes(Array(rhs.value.utf8))
                : Array(lhs.name.utf8).lexicographicallyPrecedes(Array(rhs.name.utf8))
        }
        let text = sorted.reduce(url) { $0 + $1.name + $1.value }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Telnyx (§3.4): Ed25519 over `"{timestamp}|{body}"`, within 300 s of now.
    static func telnyx(body: String, timestamp: String?, signature: String?, key: Curve25519.Signing.PublicKey) -> Bool {
        guard let timestamp, let signature, let seconds = Int(timestamp),
            abs(Int(Date().timeIntervalSince1970) - seconds) <= 300,
            let signatureBytes = Data(base64Encoded: signature), signatureBytes.count == 64
        else { return false }
        return key.isValidSignature(signatureBytes, for: Data("\(timestamp)|\(body)".utf8))
    }

    /// Vonage (§5.4): `Bearer <JWT>`, HS256 with the signature secret, `payload_hash` = hex SHA-256
    /// of the raw body. Returns the claims when everything checks out.
    static func vonage(authorization: String?, body: String, secret: String) -> [String: Any]? {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return nil }
        let parts = authorization.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = base64URLDecode(parts[0]), let claimsData = base64URLDecode(parts[1]),
            let signature = base64URLDecode(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            header["alg"] as? String == "HS256",
            let claims = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
        else { return nil }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: SymmetricKey(data: Data(secret.utf8)))
        else { return nil }
        let hash = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        guard claims["payload_hash"] as? String == hash else { return nil }
        return claims
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
