import Crypto
import Foundation
import ServiceRuntime

/// Random tokens (API keys, session cookies, webhook secrets) and their SHA-256 digests.
enum SecretToken {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `count` random base62 characters from the system's secure generator.
    static func random(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// A new API key: `sb_` and 40 base62 characters (about 238 bits).
    static func apiKey() -> String { "sb_" + random(count: 40) }

    /// The part of an API key that may be shown again: `sb_` and the first 8 characters.
    static func displayPrefix(of key: String) -> String { String(key.prefix(11)) }

    /// Hex SHA-256, the only form in which keys and session tokens are stored.
    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).lowercaseHex
    }
}
