import Foundation
import WireModels

/// Reads Vonage SMS API webhooks (providers.md §4.2, §4.3): delivery receipts and inbound SMS,
/// as a query string (`GET`), a form body (`POST`) or a JSON object (`POST-JSON`) with the same
/// keys. Pure; check ``VonageSignature`` first when signed webhooks are on.
package enum VonageSMSWebhook {
    /// The keys of a `POST-JSON` webhook as parameters, values as text, so one parser and one
    /// signature check serve all three formats. `rawText` is the JSON as received.
    package static func parameters(json body: Data) throws(ProviderError) -> FormParameters {
        try WebhookValues.parameters(json: body, provider: "Vonage")
    }

    /// A delivery receipt (`messageId`, `status`, `err-code`, `client-ref`, …), one per SMS part.
    package static func deliveryUpdate(
        from params: FormParameters,
        receivedAt: Date = Date()
    ) throws(ProviderError) -> DeliveryUpdate {
        guard let messageID = nonEmpty(params["messageId"]), let status = nonEmpty(params["status"]) else {
            throw ProviderError.malformedWebhook(reason: "Vonage delivery receipt without messageId or status")
        }
        let errorCode = nonEmpty(params["err-code"]).flatMap { $0 == "0" ? nil : $0 }
        return DeliveryUpdate(
            provider: ProviderName.vonage.rawValue,
            providerMessageID: messageID,
            status: deliveryStatus(for: status),
            providerStatus: status,
            errorCode: errorCode,
            errorMessage: errorCode.flatMap { errorDescriptions[$0] },
            occurredAt: WebhookValues.vonageTimestamp(params["message-timestamp"]) ?? receivedAt,
            clientReference: nonEmpty(params["client-ref"]),
            raw: params.rawText
        )
    }

    /// An inbound SMS (`msisdn`, `to`, `messageId`, `text`, `concat-*`). A part of a longer
    /// message carries ``InboundMessage/part``; the caller reassembles the parts by our number,
    /// the sender and `concat-ref`.
    package static func inboundMessage(
        from params: FormParameters,
        receivedAt: Date = Date()
    ) throws(ProviderError) -> InboundMessage {
        guard let messageID = nonEmpty(params["messageId"]), let from = nonEmpty(params["msisdn"]),
            let to = nonEmpty(params["to"])
        else {
            throw ProviderError.malformedWebhook(reason: "Vonage inbound SMS without messageId, msisdn or to")
        }
        var part: ConcatenatedPart?
        if params["concat"] == "true" {
            guard let reference = nonEmpty(params["concat-ref"]),
                let total = params["concat-total"].flatMap({ Int($0) }),
                let index = params["concat-part"].flatMap({ Int($0) })
            else {
                throw ProviderError.malformedWebhook(
                    reason: "Vonage concatenated SMS without concat-ref, -total or -part")
            }
            // A concatenation header counts parts in one octet (3GPP TS 23.040), so 255 at most.
            guard (1...255).contains(total), (1...total).contains(index) else {
                throw ProviderError.malformedWebhook(
                    reason: "Vonage concatenated SMS with part \(index) of \(total)")
            }
            part = ConcatenatedPart(reference: reference, total: total, index: index)
        }
        return InboundMessage(
            provider: ProviderName.vonage.rawValue,
            providerMessageID: messageID,
            from: WebhookValues.e164(vonage: from),
            to: WebhookValues.e164(vonage: to),
            body: params["text"] ?? "",
            mediaURLs: [],
            receivedAt: WebhookValues.vonageTimestamp(params["message-timestamp"]) ?? receivedAt,
            part: part,
            raw: params.rawText
        )
    }

    /// The whole message from every part of a concatenated inbound SMS (providers.md §4.3), in any
    /// order: the texts joined in `concat-part` order, with part 1's id and time (the first the
    /// sender wrote) and every part's raw request, one per line, in the same order.
    package static func reassemble(_ parts: [InboundMessage]) throws(ProviderError) -> InboundMessage {
        let ordered = parts.sorted { ($0.part?.index ?? 0) < ($1.part?.index ?? 0) }
        guard let first = ordered.first, let total = first.part?.total, ordered.count == total,
            ordered.enumerated().allSatisfy({ $0.element.part?.index == $0.offset + 1 }),
            ordered.allSatisfy({ $0.part?.reference == first.part?.reference && $0.part?.total == total }),
            ordered.allSatisfy({ $0.from == first.from && $0.to == first.to })
        else {
            throw ProviderError.malformedWebhook(reason: "Vonage concatenated SMS parts do not make one whole message")
        }
        return InboundMessage(
            provider: first.provider,
            providerMessageID: first.providerMessageID,
            from: first.from,
            to: first.to,
            body: ordered.map(\.body).joined(),
            mediaURLs: [],
            receivedAt: first.receivedAt,
            raw: ordered.map(\.raw).joined(separator: "\n")
        )
    }

    /// Our status for a DLR `status` (providers.md §9). `unknown` counts as undelivered, as the
    /// Messages API maps it to `rejected` (1330); `buffered` is before `sent`.
    package static func deliveryStatus(for status: String) -> DeliveryStatus? {
        switch status {
        case "accepted": .sent
        case "delivered": .delivered
        case "failed", "rejected", "expired", "unknown": .undelivered
        default: nil
        }
    }

    /// Wording for the DLR `err-code` values of providers.md §4.2.
    static let errorDescriptions: [String: String] = [
        "1": "Unknown",
        "2": "Absent subscriber (temporary)",
        "3": "Absent subscriber (permanent)",
        "4": "Call barred by user",
        "5": "Portability error",
        "6": "Anti-spam rejection",
        "7": "Handset busy",
        "8": "Network error",
        "9": "Illegal number",
        "10": "Illegal message",
        "11": "Unroutable",
        "12": "Destination unreachable",
        "13": "Subscriber age restriction",
        "14": "Number blocked by carrier",
        "15": "Pre-paid insufficient funds",
        "16": "Gateway quota exceeded",
        "99": "General error",
    ]

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
