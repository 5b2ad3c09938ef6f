import Crypto
import Foundation

/// The Telnyx webhook signature check (providers.md §3.4): Ed25519 over
/// `"{telnyx-timestamp}|{raw body}"`, with the timestamp within 5 minutes of now.
package enum TelnyxSignature {
    /// Header carrying the base64 64-byte signature.
    package static let signatureHeader = "telnyx-signature-ed25519"
    /// Header carrying the Unix seconds the signature was made at.
    package static let timestampHeader = "telnyx-timestamp"
    /// How far the timestamp may be from now, either way (the SDK's 300 s).
    package static let defaultTolerance: Duration = .seconds(300)

    /// Throws ``ProviderError/invalidSignature(reason:)`` unless `signature` is the Ed25519
    /// signature of `timestamp|body` under `publicKey` (base64 of the 32 raw key bytes) and
    /// `timestamp` lies within `tolerance` of `now`.
    package static func verify(
        body: Data,
        signature: String,
        timestamp: String,
        publicKey: String,
        now: Date = Date(),
        tolerance: Duration = defaultTolerance
    ) throws(ProviderError) {
        guard let keyBytes = Data(base64Encoded: publicKey), keyBytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        else {
            throw ProviderError.invalidSignature(reason: "the Telnyx public key is not base64 of 32 bytes")
        }
        guard let signatureBytes = Data(base64Encoded: signature), signatureBytes.count == 64 else {
            throw ProviderError.invalidSignature(reason: "the signature is not base64 of 64 bytes")
        }
        try SignedTimestamp.check(timestamp, now: now, tolerance: tolerance)
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "|"))
        message.append(body)
        guard key.isValidSignature(signatureBytes, for: message) else {
            throw ProviderError.invalidSignature(reason: "the signature does not match the payload")
        }
    }
}
