/// One outbound message as a provider client sends it.
package struct ProviderSendRequest: Sendable, Equatable {
    /// Sender number, E.164 with `+` (Vonage clients strip the `+`), or an alphanumeric sender id.
    package var from: String
    /// Recipient number, E.164 with `+`.
    package var to: String
    /// Message text; may be empty when `mediaURLs` is not.
    package var body: String
    /// Public URLs of media to attach; any makes the message an MMS.
    package var mediaURLs: [String]
    /// Where the provider should report delivery, built by the caller from `WEBHOOK_PUBLIC_URL`.
    package var statusCallbackURL: String?
    /// Our message id: Vonage `client_ref`, Telnyx `Idempotency-Key`; Twilio has no such field.
    package var clientReference: String?

    package init(
        from: String,
        to: String,
        body: String,
        mediaURLs: [String] = [],
        statusCallbackURL: String? = nil,
        clientReference: String? = nil
    ) {
        self.from = from
        self.to = to
        self.body = body
        self.mediaURLs = mediaURLs
        self.statusCallbackURL = statusCallbackURL
        self.clientReference = clientReference
    }
}
