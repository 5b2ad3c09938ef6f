import Foundation

/// An inbound SMS or MMS, as any provider's webhook reports it.
package struct ParsedInboundMessage: Sendable, Equatable {
    /// Which provider sent the webhook.
    package var provider: ProviderName
    /// The provider's id for the message (for Vonage SMS API parts: the id of this part).
    package var providerMessageID: String
    /// The sender, E.164 with `+` (an alphanumeric sender id or a channel address stays as given).
    package var from: String
    /// Our number that received it, E.164 with `+`.
    package var to: String
    /// The text; empty for a media-only MMS.
    package var body: String
    /// Media URLs, hosted by the provider, in order.
    package var mediaURLs: [String]
    /// When the provider received the message, or when we did if it does not say.
    package var receivedAt: Date
    /// Set when this webhook carries one part of a longer SMS (Vonage SMS API): the caller
    /// reassembles the parts.
    package var part: ConcatenatedPart?
    /// The request as received: the form body or query string, or the JSON body.
    package var raw: String

    package init(
        provider: ProviderName,
        providerMessageID: String,
        from: String,
        to: String,
        body: String,
        mediaURLs: [String],
        receivedAt: Date,
        part: ConcatenatedPart? = nil,
        raw: String
    ) {
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.from = from
        self.to = to
        self.body = body
        self.mediaURLs = mediaURLs
        self.receivedAt = receivedAt
        self.part = part
        self.raw = raw
    }
}

/// One part of a concatenated inbound SMS that the provider did not reassemble.
package struct ConcatenatedPart: Sendable, Equatable {
    /// Shared by every part of the same message from the same sender.
    package var reference: String
    /// How many parts the message has.
    package var total: Int
    /// This part's position, from 1.
    package var index: Int

    package init(reference: String, total: Int, index: Int) {
        self.reference = reference
        self.total = total
        self.index = index
    }
}
