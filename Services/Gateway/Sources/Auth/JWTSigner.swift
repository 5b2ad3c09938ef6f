import Crypto
import Foundation

/// HS256 JSON Web Tokens for the dashboard, signed with `JWT_SECRET`.
///
/// Only HS256 is accepted on verification (the header's `alg` must say so), which rules out the
/// `none` and key-confusion attacks; `exp` is required.
struct JWTSigner: Sendable {
    /// The claims Switchboard puts in a token.
    struct Claims: Codable, Sendable, Equatable {
        /// The user id, as a string (RFC 7519 `sub`).
        var sub: String
        /// The organization id.
        var org: Int64
        var iat: Int
        var exp: Int
        /// Unique token id, so logout can revoke one token.
        var jti: String
    }

    private let key: SymmetricKey

    init(secret: String) {
        self.key = SymmetricKey(data: Data(secret.utf8))
    }

    func sign(_ claims: Claims) throws -> String {
        let header = Self.base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(try JSONEncoder().encode(claims))
        let input = header + "." + payload
        let signature = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key)
        return input + "." + Self.base64URL(Data(signature))
    }

    /// The claims of a valid, unexpired token, or nil.
    func verify(_ token: String, now: Date = Date()) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = Self.decodeBase64URL(parts[0]),
            let header = try? JSONDecoder().decode([String: String].self, from: headerData),
            header["alg"] == "HS256",
            let signature = Self.decodeBase64URL(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data("\(parts[0]).\(parts[1])".utf8), using: key),
            let payload = Self.decodeBase64URL(parts[1]),
            let claims = try? JSONDecoder().decode(Claims.self, from: payload),
            Double(claims.exp) > now.timeIntervalSince1970
        else { return nil }
        return claims
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}
