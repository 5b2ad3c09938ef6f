import HTTPTypes
import Hummingbird

/// Why a webhook request was refused, with the status the provider gets.
enum WebhookRejection: Error {
    /// The signature did not verify (Twilio: 403; others: 401).
    case signature(String)
    /// No organization holds the number (404).
    case unknownNumber(String)
    /// The request is not the provider's format (400).
    case malformed(String)

    var outcome: String {
        switch self {
        case .signature: "rejected_signature"
        case .unknownNumber: "unknown_number"
        case .malformed: "malformed"
        }
    }

    var detail: String {
        switch self {
        case .signature(let reason), .unknownNumber(let reason), .malformed(let reason): reason
        }
    }
}
