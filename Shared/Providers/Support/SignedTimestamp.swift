import Foundation

/// The age check of a signed Unix-seconds timestamp (Telnyx's `telnyx-timestamp`, the Vonage SMS
/// API's `timestamp`): a replay outside `tolerance` of `now`, either way, fails the signature.
enum SignedTimestamp {
    static func check(_ timestamp: String, now: Date, tolerance: Duration) throws(ProviderError) {
        guard let seconds = Int64(timestamp) else {
            throw ProviderError.invalidSignature(reason: "the timestamp is not Unix seconds")
        }
        let difference = abs(now.timeIntervalSince1970 - Double(seconds))
        guard difference <= Double(tolerance.components.seconds) else {
            throw ProviderError.invalidSignature(
                reason: "the timestamp is too old or too new (\(Int64(difference))s difference)")
        }
    }
}
