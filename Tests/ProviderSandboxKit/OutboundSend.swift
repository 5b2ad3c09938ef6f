/// A send request that passed a provider's authentication and wire validation: the part the
/// three providers share, plus the few provider-specific fields the reply and callbacks echo.
struct OutboundSend: Sendable {
    var provider: SandboxProvider
    var account: SandboxAccount
    var from: String
    var to: String
    var body: String
    var mediaURLs: [String]
    /// Where status callbacks go; nil sends none.
    var callbackURL: String?
    var idempotencyKey: String?
    var clientRef: String?
    /// Twilio `MessagingServiceSid`.
    var messagingServiceSID: String?
    /// Telnyx `messaging_profile_id` (request or account).
    var messagingProfileID: String?
    /// Vonage `channel` (`sms` / `mms`) and `message_type`.
    var channel = "sms"
    var messageType = "text"

    /// Identifies "the same message" across retries for the throttled and 500 magic numbers.
    var attemptKey: String {
        if let idempotencyKey { return "\(provider.rawValue)|key|\(account.lookupKey)|\(idempotencyKey)" }
        return "\(provider.rawValue)|\(account.lookupKey)|\(from)|\(to)|\(body)|\(clientRef ?? "")"
    }
}
