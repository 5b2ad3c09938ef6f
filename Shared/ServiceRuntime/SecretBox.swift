import Crypto
import Foundation

/// Encrypts secrets at rest with AES-GCM under `SECRETS_KEY` (32 bytes).
///
/// A sealed value is base64 of nonce ‖ ciphertext ‖ tag (CryptoKit's "combined" form), so it fits
/// in a SQLite TEXT column or a JSON string. Opening fails on any tampering or a different key.
package struct SecretBox: Sendable {
    private let key: SymmetricKey

    package init(key: [UInt8]) {
        precondition(key.count == 32, "SECRETS_KEY must be 32 bytes")
        self.key = SymmetricKey(data: key)
    }

    /// Seals `plaintext`; every call uses a fresh random nonce.
    package func seal(_ plaintext: String) throws -> String {
        try seal(Data(plaintext.utf8))
    }

    /// Seals raw bytes.
    package func seal(_ plaintext: Data) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: key)
        guard let combined = box.combined else { throw SecretBoxError.cannotSeal }
        return combined.base64EncodedString()
    }

    /// Opens a value sealed by `seal`.
    package func openData(_ sealed: String) throws -> Data {
        guard let data = Data(base64Encoded: sealed) else { throw SecretBoxError.malformed }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key)
        } catch {
            throw SecretBoxError.cannotOpen
        }
    }

    /// Opens a sealed UTF-8 string.
    package func open(_ sealed: String) throws -> String {
        String(decoding: try openData(sealed), as: UTF8.self)
    }

    /// Seals a value as JSON.
    package func sealJSON(_ value: some Encodable) throws -> String {
        try seal(JSONEncoder().encode(value))
    }

    /// Opens a value sealed with `sealJSON`.
    package func openJSON<T: Decodable>(_ type: T.Type, from sealed: String) throws -> T {
        try JSONDecoder().decode(type, from: openData(sealed))
    }
}

/// Why a secret could not be sealed or opened. Never carries the secret.
package enum SecretBoxError: Error, CustomStringConvertible {
    /// The sealed value is not base64.
    case malformed
    /// Authentication failed: wrong key or tampered data.
    case cannotOpen
    /// AES-GCM produced no combined representation (cannot happen with the default nonce).
    case cannotSeal

    package var description: String {
        switch self {
        case .malformed: "sealed secret is not valid base64"
        case .cannotOpen: "sealed secret could not be opened (wrong SECRETS_KEY or tampered data)"
        case .cannotSeal: "secret could not be sealed"
        }
    }
}
