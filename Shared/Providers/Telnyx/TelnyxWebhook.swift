import Foundation
import WireModels

/// Reads Telnyx message webhooks (providers.md §3.2, §3.3): one JSON envelope for
/// `message.received`, `message.sent` and `message.finalized`. Pure; check ``TelnyxSignature`` first.
package enum TelnyxWebhook {
    /// The event in `body`: an inbound message, a delivery update, or an event type we ignore.
    package static func parse(_ body: Data, receivedAt: Date = Date()) throws(ProviderError) -> ParsedWebhookEvent {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: body)
        } catch {
            throw ProviderError.malformedWebhook(reason: "Telnyx webhook is not a JSON event envelope")
        }
        let event = envelope.data
        switch event.eventType {
        case "message.received":
            return .inbound(try inboundMessage(event, raw: WebhookValues.text(body), receivedAt: receivedAt))
        case "message.sent", "message.finalized":
            return .delivery(try deliveryUpdate(event, raw: WebhookValues.text(body), receivedAt: receivedAt))
        default:
            return .ignored(eventType: event.eventType)
        }
    }

    /// Our status for a Telnyx `to[].status` (providers.md §9). `delivery_unconfirmed` (no DLR
    /// will come) stays `sent`; nil before `sent` and for words we do not know.
    package static func deliveryStatus(for status: String) -> DeliveryStatus? {
        switch status {
        case "sent", "delivery_unconfirmed": .sent
        case "delivered", "read": .delivered
        case "delivery_failed": .undelivered
        case "sending_failed", "expired": .failed
        default: nil
        }
    }

    private static func inboundMessage(_ event: Event, raw: String, receivedAt: Date) throws(ProviderError)
        -> InboundMessage
    {
        guard let payload = event.payload, let id = payload.id,
            let from = payload.from?.phoneNumber, let to = payload.to?.first?.phoneNumber
        else {
            throw ProviderError.malformedWebhook(reason: "Telnyx message.received without id, from or to")
        }
        return InboundMessage(
            provider: ProviderName.telnyx.rawValue,
            providerMessageID: id,
            from: from,
            to: to,
            body: payload.text ?? "",
            mediaURLs: (payload.media ?? []).compactMap(\.url),
            receivedAt: WebhookValues.iso8601(payload.receivedAt) ?? WebhookValues.iso8601(event.occurredAt)
                ?? receivedAt,
            raw: raw
        )
    }

    private static func deliveryUpdate(_ event: Event, raw: String, receivedAt: Date) throws(ProviderError)
        -> DeliveryUpdate
    {
        guard let payload = event.payload, let id = payload.id else {
            throw ProviderError.malformedWebhook(reason: "Telnyx \(event.eventType) without payload.id")
        }
        let recipientStatus = payload.to?.first?.status
        let providerStatus: String
        let unified: DeliveryStatus?
        if event.eventType == "message.sent" {
            // Telnyx's own example shows `to[].status: "queued"` here: the event type is the signal.
            providerStatus = recipientStatus ?? "sent"
            unified = .sent
        } else {
            guard let recipientStatus else {
                throw ProviderError.malformedWebhook(reason: "Telnyx message.finalized without to[].status")
            }
            providerStatus = recipientStatus
            unified = deliveryStatus(for: recipientStatus)
        }
        let error = payload.errors?.first
        let errorMessage = [error?.title, error?.detail].compactMap { $0 }.joined(separator: ": ")
        return DeliveryUpdate(
            provider: ProviderName.telnyx.rawValue,
            providerMessageID: id,
            status: unified,
            providerStatus: providerStatus,
            errorCode: error?.code?.text,
            errorMessage: errorMessage.isEmpty ? nil : errorMessage,
            occurredAt: WebhookValues.iso8601(event.occurredAt) ?? receivedAt,
            raw: raw
        )
    }

    // MARK: Wire

    private struct Envelope: Decodable {
        var data: Event
    }

    private struct Event: Decodable {
        var eventType: String
        var occurredAt: String?
        var payload: Payload?

        enum CodingKeys: String, CodingKey {
            case eventType = "event_type"
            case occurredAt = "occurred_at"
            case payload
        }
    }

    private struct Payload: Decodable {
        struct Address: Decodable {
            var phoneNumber: String?
            var status: String?

            enum CodingKeys: String, CodingKey {
                case phoneNumber = "phone_number"
                case status
            }
        }
        struct Media: Decodable {
            var url: String?
        }
        struct ErrorItem: Decodable {
            var code: JSONScalar?
            var title: String?
            var detail: String?
        }

        var id: String?
        var from: Address?
        var to: [Address]?
        var text: String?
        var media: [Media]?
        var errors: [ErrorItem]?
        var receivedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, from, to, text, media, errors
            case receivedAt = "received_at"
        }
    }
}
