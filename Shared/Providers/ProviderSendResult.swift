/// What a provider said when it accepted a message.
package struct ProviderSendResult: Sendable, Equatable {
    /// The provider's id for the message: Twilio `sid`, Telnyx `data.id`, Vonage `message_uuid`.
    package var providerMessageID: String
    /// The provider's own status word at acceptance (`queued`, `accepted`); nil when it gives none (Vonage).
    package var providerStatus: String?
    /// Segments the provider reports (Twilio `num_segments`, Telnyx `parts`); nil when not (yet) reported.
    package var segments: Int?

    package init(providerMessageID: String, providerStatus: String?, segments: Int?) {
        self.providerMessageID = providerMessageID
        self.providerStatus = providerStatus
        self.segments = segments
    }
}
