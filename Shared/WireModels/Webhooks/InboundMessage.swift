import Foundation

/// An inbound SMS or MMS as any provider's webhook reports it, normalized by webhook-ingest.
///
/// JSON (snake_case, times in ISO 8601 UTC with milliseconds): `provider`, `provider_message_id`,
/// `from`, `to`, `body`, `media_urls`, `received_at`, `part` (only on one part of a longer SMS)
/// and `raw_payload`. webhook-ingest holds the parts of a Vonage SMS API concatenated message in
/// this form in `sms:concat:…` (docs/redis.md).
public struct InboundMessage: Codable, Sendable, Equatable {
    /// Which provider sent the webhook: `twilio`, `telnyx` or `vonage`.
    public var provider: String
    /// The provider's id for the message (for one Vonage SMS API part: the id of that part).
    public var providerMessageID: String
    /// The sender, E.164 with `+` (an alphanumeric sender id or a channel address stays as given).
    public var from: String
    /// Our number that received it, E.164 with `+`.
    public var to: String
    /// The text; empty for a media-only MMS.
    public var body: String
    /// Media URLs, hosted by the provider, in order.
    public var mediaURLs: [String]
    /// When the provider received the message, or when we did if it does not say.
    public var receivedAt: Date
    /// Set when this webhook carries one part of a longer SMS that the provider did not reassemble
    /// (Vonage SMS API): webhook-ingest reassembles the parts.
    public var part: ConcatenatedPart?
    /// The request as received: the form body or query string, or the JSON body.
    public var raw: String

    public init(
        provider: String,
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

    enum CodingKeys: String, CodingKey {
        case provider
        case providerMessageID = "provider_message_id"
        case from, to, body
        case mediaURLs = "media_urls"
        case receivedAt = "received_at"
        case part
        case raw = "raw_payload"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        provider = try container.decode(String.self, forKey: .provider)
        providerMessageID = try container.decode(String.self, forKey: .providerMessageID)
        from = try container.decode(String.self, forKey: .from)
        to = try container.decode(String.self, forKey: .to)
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        mediaURLs = try container.decodeIfPresent([String].self, forKey: .mediaURLs) ?? []
        let receivedAtText = try container.decode(String.self, forKey: .receivedAt)
        guard let receivedAt = Timestamp.parse(receivedAtText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .receivedAt, in: container, debugDescription: "not an ISO 8601 timestamp: \(receivedAtText)")
        }
        self.receivedAt = receivedAt
        part = try container.decodeIfPresent(ConcatenatedPart.self, forKey: .part)
        raw = try container.decodeIfPresent(String.self, forKey: .raw) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(providerMessageID, forKey: .providerMessageID)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(body, forKey: .body)
        try container.encode(mediaURLs, forKey: .mediaURLs)
        try container.encode(Timestamp.string(receivedAt.timeIntervalSince1970), forKey: .receivedAt)
        try container.encodeIfPresent(part, forKey: .part)
        try container.encode(raw, forKey: .raw)
    }
}
