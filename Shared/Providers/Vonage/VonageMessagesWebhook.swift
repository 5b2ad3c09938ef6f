import Foundation
import WireModels

/// Reads Vonage Messages API webhooks (providers.md §5.2, §5.3): JSON status reports and inbound
/// SMS or MMS. Pure; check ``VonageWebhookToken`` first.
package enum VonageMessagesWebhook {
    /// A status report when the body has a `status`, otherwise an inbound message.
    package static func parse(_ body: Data, receivedAt: Date = Date()) throws(ProviderError) -> ParsedWebhookEvent {
        let message = try decode(body)
        if message.status != nil {
            return .delivery(try deliveryUpdate(message, raw: WebhookValues.text(body), receivedAt: receivedAt))
        }
        return .inbound(try inboundMessage(message, raw: WebhookValues.text(body), receivedAt: receivedAt))
    }

    /// A status report (`message_uuid`, `status`, `error`, `client_ref`, `timestamp`).
    package static func deliveryUpdate(_ body: Data, receivedAt: Date = Date()) throws(ProviderError)
        -> DeliveryUpdate
    {
        try deliveryUpdate(decode(body), raw: WebhookValues.text(body), receivedAt: receivedAt)
    }

    /// An inbound SMS or MMS (`message_uuid`, `from`, `to`, `text`, `image`/`video`/… URLs).
    package static func inboundMessage(_ body: Data, receivedAt: Date = Date()) throws(ProviderError)
        -> InboundMessage
    {
        try inboundMessage(decode(body), raw: WebhookValues.text(body), receivedAt: receivedAt)
    }

    /// Our status for a Messages `status` and error code (providers.md §9).
    ///
    /// `rejected` covers carrier failures, failures on Vonage's side and unknown outcomes, so the
    /// code decides: 1490 (segment DLR timeout, outcome unknown) stays `sent`; codes for requests
    /// Vonage refused or could not carry out are `failed`; the rest (carrier and handset
    /// failures, 1330, no code) are `undelivered`.
    package static func deliveryStatus(for status: String, errorCode: String?) -> DeliveryStatus? {
        switch status {
        case "submitted": return .sent
        case "delivered", "read": return .delivered
        case "undeliverable": return .failed
        case "rejected":
            guard let code = errorCode.flatMap({ Int($0) }) else { return .undelivered }
            if code == 1490 { return .sent }
            return providerSideErrorCodes.contains { $0.contains(code) } ? .failed : .undelivered
        default: return nil
        }
    }

    /// Error codes of §5.1 for requests Vonage itself refused or could not carry out: throttling,
    /// validation, account state, internal errors, media, Fraud Defender.
    private static let providerSideErrorCodes: [ClosedRange<Int>] = [
        1000...1030, 1060...1070, 1120...1160, 1331...1331, 1380...1382, 1400...1451, 1470...1476,
    ]

    // MARK: Parsing

    private static func decode(_ body: Data) throws(ProviderError) -> Message {
        do {
            return try JSONDecoder().decode(Message.self, from: body)
        } catch {
            throw ProviderError.malformedWebhook(reason: "Vonage Messages webhook is not the expected JSON object")
        }
    }

    private static func deliveryUpdate(_ message: Message, raw: String, receivedAt: Date) throws(ProviderError)
        -> DeliveryUpdate
    {
        guard let uuid = message.messageUUID, let status = message.status else {
            throw ProviderError.malformedWebhook(reason: "Vonage status webhook without message_uuid or status")
        }
        let errorCode = message.error.flatMap(\.code)
        return DeliveryUpdate(
            provider: ProviderName.vonage.rawValue,
            providerMessageID: uuid,
            status: deliveryStatus(for: status, errorCode: errorCode),
            providerStatus: status,
            errorCode: errorCode,
            errorMessage: message.error?.detail,
            occurredAt: WebhookValues.iso8601(message.timestamp) ?? receivedAt,
            clientReference: message.clientRef,
            raw: raw
        )
    }

    private static func inboundMessage(_ message: Message, raw: String, receivedAt: Date) throws(ProviderError)
        -> InboundMessage
    {
        guard let uuid = message.messageUUID, let from = message.from, let to = message.to else {
            throw ProviderError.malformedWebhook(reason: "Vonage inbound webhook without message_uuid, from or to")
        }
        var mediaURLs = [message.image, message.video, message.audio, message.file, message.vcard].compactMap {
            $0?.url
        }
        mediaURLs += (message.content ?? []).compactMap(\.url).filter { !mediaURLs.contains($0) }
        return InboundMessage(
            provider: ProviderName.vonage.rawValue,
            providerMessageID: uuid,
            from: WebhookValues.e164(vonage: from),
            to: WebhookValues.e164(vonage: to),
            body: message.text ?? message.image?.caption ?? "",
            mediaURLs: mediaURLs,
            receivedAt: WebhookValues.iso8601(message.timestamp) ?? receivedAt,
            raw: raw
        )
    }

    // MARK: Wire

    private struct Message: Decodable {
        struct Media: Decodable {
            var url: String?
            var caption: String?
        }
        struct Problem: Decodable {
            var type: String?
            var title: JSONScalar?
            var detail: String?

            /// The numeric code: `title` (`"1250"`), else the fragment of `type` (`…#1250`).
            var code: String? {
                if let title = title?.text, !title.isEmpty, title.allSatisfy(\.isASCIIDigit) { return title }
                guard let type, let hash = type.lastIndex(of: "#") else { return title?.text }
                let fragment = String(type[type.index(after: hash)...])
                return fragment.isEmpty ? title?.text : fragment
            }
        }

        var messageUUID: String?
        var status: String?
        var to: String?
        var from: String?
        var timestamp: String?
        var text: String?
        var clientRef: String?
        var error: Problem?
        var image: Media?
        var video: Media?
        var audio: Media?
        var file: Media?
        var vcard: Media?
        var content: [Media]?

        enum CodingKeys: String, CodingKey {
            case messageUUID = "message_uuid"
            case clientRef = "client_ref"
            case status, to, from, timestamp, text, error, image, video, audio, file, vcard, content
        }
    }
}
