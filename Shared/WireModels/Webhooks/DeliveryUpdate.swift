import Foundation

/// A delivery status report for a message we sent, as any provider's webhook reports it,
/// normalized by webhook-ingest.
///
/// JSON (snake_case, times in ISO 8601 UTC with milliseconds): `provider`,
/// `provider_message_id`, `status` (our unified status, or null), `provider_status`,
/// `error_code`, `error_message`, `occurred_at`, `client_reference` and `raw_payload`.
public struct DeliveryUpdate: Codable, Sendable, Equatable {
    /// Which provider sent the webhook: `twilio`, `telnyx` or `vonage`.
    public var provider: String
    /// The provider's id for the message, as the send returned it.
    public var providerMessageID: String
    /// The status in our terms (`sent`, `delivered`, `undelivered`, `failed`; providers.md §9), or
    /// nil for a step before `sent` (`queued`, `sending`, `buffered`) or a word we do not know;
    /// such updates change nothing. Telnyx `delivery_unconfirmed` (no receipt will come) is `sent`.
    public var status: DeliveryStatus?
    /// The provider's own status word (`delivered`, `delivery_failed`, `rejected`, …).
    public var providerStatus: String
    /// The provider's error code when it reported one (Twilio `30003`, Telnyx `40008`, Vonage `1250`).
    public var errorCode: String?
    /// The provider's error text, or our wording of its code.
    public var errorMessage: String?
    /// When the status changed, per the provider, or when we received the webhook if it does not say.
    public var occurredAt: Date
    /// Our reference echoed back (Vonage `client_ref`), when the provider echoes one.
    public var clientReference: String?
    /// The request as received: the form body or query string, or the JSON body.
    public var raw: String

    public init(
        provider: String,
        providerMessageID: String,
        status: DeliveryStatus?,
        providerStatus: String,
        errorCode: String? = nil,
        errorMessage: String? = nil,
        occurredAt: Date,
        clientReference: String? = nil,
        raw: String
    ) {
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.status = status
        self.providerStatus = providerStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.occurredAt = occurredAt
        self.clientReference = clientReference
        self.raw = raw
    }

    enum CodingKeys: String, CodingKey {
        case provider
        case providerMessageID = "provider_message_id"
        case status
        case providerStatus = "provider_status"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case occurredAt = "occurred_at"
        case clientReference = "client_reference"
        case raw = "raw_payload"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        provider = try container.decode(String.self, forKey: .provider)
        providerMessageID = try container.decode(String.self, forKey: .providerMessageID)
        status = try container.decodeIfPresent(DeliveryStatus.self, forKey: .status)
        providerStatus = try container.decode(String.self, forKey: .providerStatus)
        errorCode = try container.decodeIfPresent(String.self, forKey: .errorCode)
        errorMessage = try container.decodeIfPresent(String.self, forKey: .errorMessage)
        let occurredAtText = try container.decode(String.self, forKey: .occurredAt)
        guard let occurredAt = Timestamp.parse(occurredAtText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .occurredAt, in: container, debugDescription: "not an ISO 8601 timestamp: \(occurredAtText)")
        }
        self.occurredAt = occurredAt
        clientReference = try container.decodeIfPresent(String.self, forKey: .clientReference)
        raw = try container.decodeIfPresent(String.self, forKey: .raw) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(providerMessageID, forKey: .providerMessageID)
        // Always present, null for a step before `sent`, so readers need not guess.
        try container.encode(status, forKey: .status)
        try container.encode(providerStatus, forKey: .providerStatus)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(errorMessage, forKey: .errorMessage)
        try container.encode(Timestamp.string(occurredAt.timeIntervalSince1970), forKey: .occurredAt)
        try container.encode(clientReference, forKey: .clientReference)
        try container.encode(raw, forKey: .raw)
    }
}
