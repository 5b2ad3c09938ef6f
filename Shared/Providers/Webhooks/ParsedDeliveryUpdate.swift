import Foundation
import WireModels

/// A delivery status report, as any provider's webhook reports it.
package struct ParsedDeliveryUpdate: Sendable, Equatable {
    /// Which provider sent the webhook.
    package var provider: ProviderName
    /// The provider's id for the message, as the send returned it.
    package var providerMessageID: String
    /// The provider's own status word (`delivered`, `delivery_failed`, `rejected`, …).
    package var rawStatus: String
    /// The status in our terms (providers.md §9), or nil for a step before `sent` (`queued`,
    /// `sending`, `buffered`) or a word we do not know; such updates change nothing. Telnyx
    /// `delivery_unconfirmed` (no receipt will come) is `sent`.
    package var unifiedStatus: DeliveryStatus?
    /// The provider's error code when it reported one (Twilio `30003`, Telnyx `40008`, Vonage `1250`).
    package var errorCode: String?
    /// The provider's error text, or our wording of its code.
    package var errorMessage: String?
    /// When the status changed, per the provider, or when we received the webhook if it does not say.
    package var occurredAt: Date
    /// Our reference echoed back (Vonage `client_ref`), when the provider echoes one.
    package var clientReference: String?
    /// The request as received: the form body or query string, or the JSON body.
    package var raw: String

    package init(
        provider: ProviderName,
        providerMessageID: String,
        rawStatus: String,
        unifiedStatus: DeliveryStatus?,
        errorCode: String? = nil,
        errorMessage: String? = nil,
        occurredAt: Date,
        clientReference: String? = nil,
        raw: String
    ) {
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.rawStatus = rawStatus
        self.unifiedStatus = unifiedStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.occurredAt = occurredAt
        self.clientReference = clientReference
        self.raw = raw
    }
}
