import Crypto
import Foundation

/// Telnyx's webhooks: `message.sent` / `message.finalized` (providers.md §3.2) and
/// `message.received` (§3.3), signed with Ed25519 over `"{timestamp}|{body}"` (§3.4).
enum TelnyxWebhooks {
    /// The number-pool sender used when a send names only a messaging profile.
    static let poolSender = "+15550109999"
    /// The organization every sandbox record belongs to.
    static let organizationID = "5a1dbc3e-0000-4000-8000-00000000cafe"

    static func statusSteps(for outcome: MagicNumber.DeliveryOutcome) -> [CallbackStep] {
        let sent = CallbackStep(status: "sent", event: "message.sent")
        return switch outcome {
        case .delivered, .optedOut:
            [sent, CallbackStep(status: "delivered", event: "message.finalized")]
        case .undelivered:
            [
                sent,
                CallbackStep(status: "delivery_failed", event: "message.finalized", errorCode: "40008", errorTitle: "Undeliverable"),
            ]
        case .failed:
            [
                CallbackStep(
                    status: "sending_failed", event: "message.finalized", errorCode: "40005",
                    errorTitle: "Message expired during transmission")
            ]
        case .unconfirmed:
            [sent, CallbackStep(status: "delivery_unconfirmed", event: "message.finalized")]
        }
    }

    static func statusCallback(
        _ message: AcceptedMessage, step: CallbackStep, attempt: Int, key: Curve25519.Signing.PrivateKey
    ) -> WebhookRequest {
        let now = SandboxTimestamp()
        let url = message.send.callbackURL ?? ""
        let final = step.event == "message.finalized"
        var json = JSONWriter(capacity: 1800)
        writeEnvelopeStart(&json, event: step.event, occurredAt: now)
        writeRecord(
            &json, message, status: step.status,
            sentAt: step.status == "sending_failed" ? nil : now.iso8601Milliseconds,
            completedAt: final ? now.iso8601Milliseconds : nil,
            error: step.errorCode.map { ($0, step.errorTitle ?? "") })
        writeEnvelopeEnd(&json, attempt: attempt, url: url)
        return signed(url: url, body: json.text, key: key, at: now)
    }

    /// A `message.received` webhook for an injected inbound message.
    static func inbound(
        messageID: String, from: String, to: String, text: String, mediaURLs: [String], profileID: String?, url: String,
        key: Curve25519.Signing.PrivateKey
    ) -> WebhookRequest {
        let now = SandboxTimestamp()
        let count = SandboxSegmentCounter.count(text)
        var json = JSONWriter(capacity: 1400)
        writeEnvelopeStart(&json, event: "message.received", occurredAt: now)
        json.beginObject()
        json.field("record_type", "message")
        json.field("direction", "inbound")
        json.field("id", messageID)
        json.field("type", mediaURLs.isEmpty ? "SMS" : "MMS")
        json.field("messaging_profile_id", profileID)
        json.field("organization_id", organizationID)
        json.key("from")
        writeEndpoint(&json, from, status: nil)
        json.key("to")
        json.beginArray()
        writeEndpoint(&json, to, status: "webhook_delivered")
        json.endArray()
        json.key("cc")
        json.beginArray()
        json.endArray()
        json.field("text", text)
        json.field("subject", nil as String?)
        json.key("media")
        json.beginArray()
        for mediaURL in mediaURLs {
            json.beginObject()
            json.field("url", mediaURL)
            json.field("content_type", MediaType.guess(mediaURL))
            json.field("hash_sha256", nil as String?)
            json.field("size", nil as Int?)
            json.endObject()
        }
        json.endArray()
        json.field("encoding", count.encoding.telnyxName)
        json.field("parts", count.segments)
        json.key("tags")
        json.beginArray()
        json.endArray()
        json.field("cost", nil as String?)
        json.field("received_at", now.iso8601Milliseconds)
        json.field("sent_at", nil as String?)
        json.field("completed_at", nil as String?)
        json.field("valid_until", nil as String?)
        json.field("webhook_url", url)
        json.field("webhook_failover_url", nil as String?)
        json.key("errors")
        json.beginArray()
        json.endArray()
        json.endObject()
        writeEnvelopeEnd(&json, attempt: 1, url: url)
        return signed(url: url, body: json.text, key: key, at: now)
    }

    /// The outbound message record (`OutboundMessagePayload`): the send reply's `data` and the
    /// status events' `payload`.
    static func writeRecord(
        _ json: inout JSONWriter, _ message: AcceptedMessage, status: String, sentAt: String?, completedAt: String?,
        error: (code: String, title: String)?
    ) {
        let send = message.send
        json.beginObject()
        json.field("record_type", "message")
        json.field("direction", "outbound")
        json.field("id", message.messageID)
        json.field("type", send.mediaURLs.isEmpty ? "SMS" : "MMS")
        json.field("messaging_profile_id", send.messagingProfileID)
        json.field("organization_id", organizationID)
        json.key("from")
        writeEndpoint(&json, send.from, status: nil)
        json.key("to")
        json.beginArray()
        writeEndpoint(&json, send.to, status: status)
        json.endArray()
        json.key("cc")
        json.beginArray()
        json.endArray()
        json.field("text", send.body)
        json.field("subject", nil as String?)
        json.key("media")
        json.beginArray()
        for mediaURL in send.mediaURLs {
            json.beginObject()
            json.field("url", mediaURL)
            json.field("content_type", nil as String?)
            json.field("sha256", nil as String?)
            json.field("size", nil as Int?)
            json.endObject()
        }
        json.endArray()
        json.field("webhook_url", send.callbackURL)
        json.field("webhook_failover_url", nil as String?)
        json.field("encoding", message.count.encoding.telnyxName)
        json.field("parts", message.count.segments)
        json.field("num_chars", send.body.count)
        json.field("smart_encoding_applied", false)
        json.key("tags")
        json.beginArray()
        json.endArray()
        if completedAt != nil {
            json.key("cost")
            json.beginObject()
            json.field("amount", String(format: "%.4f", 0.004 * Double(message.count.segments)))
            json.field("currency", "USD")
            json.endObject()
        } else {
            json.field("cost", nil as String?)
        }
        json.field("cost_breakdown", nil as String?)
        json.field("tcr_campaign_id", nil as String?)
        json.field("tcr_campaign_billable", false)
        json.field("tcr_campaign_registered", nil as String?)
        json.field("received_at", message.acceptedAt.iso8601Milliseconds)
        json.field("sent_at", sentAt)
        json.field("completed_at", completedAt)
        // Queue deadline: four hours (§3.5), gone once the message has left the queue.
        json.field("valid_until", sentAt == nil && completedAt == nil ? message.acceptedAt.adding(seconds: 14_400).iso8601Milliseconds : nil)
        json.field("wait_seconds", 0.0)
        json.key("errors")
        json.beginArray()
        if let error {
            json.beginObject()
            json.field("code", error.code)
            json.field("title", error.title)
            json.field("detail", error.title)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    /// Ed25519 signature headers over `"{timestamp}|{body}"`.
    static func signatureHeaders(body: String, key: Curve25519.Signing.PrivateKey, timestamp: Int) -> [(name: String, value: String)] {
        let stamp = String(timestamp)
        let signature = (try? key.signature(for: Data((stamp + "|" + body).utf8))) ?? Data()
        return [("telnyx-signature-ed25519", signature.base64EncodedString()), ("telnyx-timestamp", stamp)]
    }

    // MARK: Pieces

    private static func writeEnvelopeStart(_ json: inout JSONWriter, event: String, occurredAt: SandboxTimestamp) {
        json.beginObject()
        json.key("data")
        json.beginObject()
        json.field("event_type", event)
        json.field("id", SandboxIdentifiers.uuid())
        json.field("occurred_at", occurredAt.iso8601Milliseconds)
        json.field("record_type", "event")
        json.key("payload")
    }

    private static func writeEnvelopeEnd(_ json: inout JSONWriter, attempt: Int, url: String) {
        json.endObject()  // data
        json.key("meta")
        json.beginObject()
        json.field("attempt", attempt)
        json.field("delivered_to", url)
        json.endObject()
        json.endObject()
    }

    private static func writeEndpoint(_ json: inout JSONWriter, _ number: String, status: String?) {
        json.beginObject()
        json.field("phone_number", number)
        if let status { json.field("status", status) }
        json.field("carrier", "Sandbox Wireless")
        json.field("line_type", "Wireless")
        json.endObject()
    }

    private static func signed(url: String, body: String, key: Curve25519.Signing.PrivateKey, at now: SandboxTimestamp) -> WebhookRequest {
        WebhookRequest(
            url: url, contentType: "application/json",
            headers: signatureHeaders(body: body, key: key, timestamp: now.unixSeconds), body: body)
    }
}
