import Foundation
import WireModels

/// Reads Twilio's form-encoded webhooks (providers.md §2.2, §2.3): status callbacks and inbound
/// messages. Pure functions; check ``TwilioSignature`` first.
package enum TwilioWebhook {
    /// The keys of a JSON body (the `bodySHA256` variant of providers.md §2.4, whose signature
    /// covers the URL only) as parameters, so the same readers serve form and JSON webhooks.
    package static func parameters(json body: Data) throws(ProviderError) -> FormParameters {
        try WebhookValues.parameters(json: body, provider: "Twilio")
    }

    /// A status callback (`MessageSid`, `MessageStatus`, `ErrorCode`, …).
    ///
    /// Twilio's callbacks carry no event time (`RawDlrDoneDate` has no time zone), so
    /// `occurredAt` is `receivedAt`.
    package static func deliveryUpdate(
        from params: FormParameters,
        receivedAt: Date = Date()
    ) throws(ProviderError) -> DeliveryUpdate {
        guard let sid = nonEmpty(params["MessageSid"]) ?? nonEmpty(params["SmsSid"]) else {
            throw ProviderError.malformedWebhook(reason: "Twilio status callback without MessageSid")
        }
        guard let status = nonEmpty(params["MessageStatus"]) ?? nonEmpty(params["SmsStatus"]) else {
            throw ProviderError.malformedWebhook(reason: "Twilio status callback without MessageStatus")
        }
        let errorCode = nonEmpty(params["ErrorCode"]).flatMap { $0 == "0" ? nil : $0 }
        return DeliveryUpdate(
            provider: ProviderName.twilio.rawValue,
            providerMessageID: sid,
            status: deliveryStatus(for: status),
            providerStatus: status,
            errorCode: errorCode,
            errorMessage: nonEmpty(params["ErrorMessage"]) ?? errorCode.flatMap { errorDescriptions[$0] },
            occurredAt: receivedAt,
            raw: params.rawText
        )
    }

    /// An inbound message (`From`, `To`, `Body`, `NumMedia`, `MediaUrl0`…).
    package static func inboundMessage(
        from params: FormParameters,
        receivedAt: Date = Date()
    ) throws(ProviderError) -> InboundMessage {
        guard
            let sid = nonEmpty(params["MessageSid"]) ?? nonEmpty(params["SmsMessageSid"]) ?? nonEmpty(params["SmsSid"])
        else {
            throw ProviderError.malformedWebhook(reason: "Twilio inbound message without MessageSid")
        }
        guard let from = nonEmpty(params["From"]), let to = nonEmpty(params["To"]) else {
            throw ProviderError.malformedWebhook(reason: "Twilio inbound message without From or To")
        }
        var mediaURLs: [String] = []
        if let count = params["NumMedia"].flatMap({ Int($0) }) {
            mediaURLs = (0..<max(0, count)).compactMap { nonEmpty(params["MediaUrl\($0)"]) }
        } else {
            while let url = nonEmpty(params["MediaUrl\(mediaURLs.count)"]) {
                mediaURLs.append(url)
            }
        }
        return InboundMessage(
            provider: ProviderName.twilio.rawValue,
            providerMessageID: sid,
            from: from,
            to: to,
            body: params["Body"] ?? "",
            mediaURLs: mediaURLs,
            receivedAt: receivedAt,
            raw: params.rawText
        )
    }

    /// Our status for a Twilio `MessageStatus` (providers.md §9); nil before `sent` and for
    /// words we do not know (`partially_delivered`, whose meaning is unconfirmed).
    package static func deliveryStatus(for status: String) -> DeliveryStatus? {
        switch status {
        case "sent": .sent
        case "delivered", "read": .delivered
        case "undelivered": .undelivered
        case "failed", "canceled": .failed
        default: nil
        }
    }

    /// Wording for the asynchronous error codes of providers.md §2.1, used when the callback has
    /// no `ErrorMessage`.
    static let errorDescriptions: [String: String] = [
        "30001": "Queue overflow: the message waited in the queue too long",
        "30003": "Unreachable destination handset",
        "30005": "Unknown destination handset",
        "30006": "Landline or unreachable carrier",
        "30007": "Message filtered by the carrier",
        "30008": "Unknown error",
        "30034": "Sender not registered to an approved A2P 10DLC campaign",
    ]

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
