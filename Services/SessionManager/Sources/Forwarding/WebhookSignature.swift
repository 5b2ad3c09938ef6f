import Crypto
import Foundation
import ServiceRuntime

/// `X-Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by
/// the assistant's webhook secret (contract: "What we send to an assistant's sms_webhook_url").
package enum WebhookSignature {
    /// The header value for `body` signed at `timestamp`.
    package static func header(body: String, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hexHMAC(body: body, secret: secret, timestamp: timestamp))"
    }

    /// The lowercase hex HMAC-SHA256 of `"<timestamp>.<body>"`.
    package static func hexHMAC(body: String, secret: String, timestamp: Int) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.lowercaseHex
    }
}
