import Crypto
import Foundation

/// Vonage Messages API webhooks: status (providers.md §5.2) and inbound (§5.3), signed with an
/// HS256 JWT carrying `payload_hash` (§5.4).
enum VonageWebhooks {
    static func statusSteps(for outcome: MagicNumber.DeliveryOutcome) -> [CallbackStep] {
        let submitted = CallbackStep(status: "submitted")
        return switch outcome {
        case .delivered:
            [submitted, CallbackStep(status: "delivered")]
        case .undelivered:
            [submitted, CallbackStep(status: "rejected", errorCode: "1260", errorTitle: "Destination unreachable")]
        case .failed:
            [CallbackStep(status: "rejected", errorCode: "1360", errorTitle: "TTL activated - message expired")]
        case .unconfirmed:
            [submitted]
        case .optedOut:
            [CallbackStep(status: "rejected", errorCode: "1240", errorTitle: "Illegal number - recipient opted out")]
        }
    }

    static func statusCallback(_ message: AcceptedMessage, step: CallbackStep) -> WebhookRequest {
        let send = message.send
        var json = JSONWriter(capacity: 600)
        json.beginObject()
        json.field("message_uuid", message.messageID)
        json.field("to", send.to)
        json.field("from", send.from)
        json.field("timestamp", SandboxTimestamp().iso8601Seconds)
        json.field("status", step.status)
        json.field("channel", send.channel)
        if let clientRef = send.clientRef { json.field("client_ref", clientRef) }
        if let code = step.errorCode {
            json.key("error")
            json.beginObject()
            json.field("type", "https://developer.vonage.com/api-errors/messages#\(code)")
            json.field("title", code)
            json.field("detail", step.errorTitle)
            json.field("instance", SandboxIdentifiers.hex32())
            json.endObject()
        }
        json.key("usage")
        json.beginObject()
        json.field("currency", "EUR")
        json.field("price", String(format: "%.4f", 0.0333 * Double(message.count.segments)))
        json.endObject()
        json.key("destination")
        json.beginObject()
        json.field("network_code", "310260")
        json.endObject()
        if send.channel == "sms" {
            json.key("sms")
            json.beginObject()
            json.field("count_total", String(message.count.segments))
            json.endObject()
        }
        json.endObject()
        return signed(url: send.callbackURL ?? "", body: json.text, account: send.account)
    }

    /// An inbound SMS (or MMS, with media) webhook, as the Messages API posts to an application's
    /// inbound URL: numbers without `+`, text already reassembled.
    static func inbound(
        account: SandboxAccount, messageID: String, from: String, to: String, text: String, mediaURLs: [String],
        url: String
    ) -> WebhookRequest {
        var json = JSONWriter(capacity: 600)
        json.beginObject()
        json.field("channel", mediaURLs.isEmpty ? "sms" : "mms")
        json.field("message_uuid", messageID)
        json.field("to", String(PhoneNumberFormat.digits(to)))
        json.field("from", String(PhoneNumberFormat.digits(from)))
        json.field("timestamp", SandboxTimestamp().iso8601Seconds)
        if mediaURLs.isEmpty {
            json.field("text", text)
            json.field("message_type", "text")
            json.key("sms")
            json.beginObject()
            json.field("num_messages", String(SandboxSegmentCounter.count(text).segments))
            if let keyword = text.split(whereSeparator: \.isWhitespace).first {
                json.field("keyword", keyword.uppercased())
            }
            json.endObject()
        } else if mediaURLs.count == 1 {
            let kind = MediaType.vonageKind(mediaURLs[0])
            json.field("message_type", kind)
            json.key(kind)
            json.beginObject()
            json.field("url", mediaURLs[0])
            if !text.isEmpty { json.field("caption", text) }
            json.endObject()
        } else {
            json.field("message_type", MediaType.vonageKind(mediaURLs[0]))
            json.key("content")
            json.beginArray()
            for mediaURL in mediaURLs {
                json.beginObject()
                json.field("type", MediaType.vonageKind(mediaURL))
                json.field("url", mediaURL)
                json.endObject()
            }
            json.endArray()
        }
        json.key("usage")
        json.beginObject()
        json.field("currency", "EUR")
        json.field("price", "0.0057")
        json.endObject()
        json.key("origin")
        json.beginObject()
        json.field("network_code", "310260")
        json.endObject()
        json.endObject()
        return signed(url: url, body: json.text, account: account)
    }

    /// `Authorization: Bearer <JWT>`: HS256 with the signature secret; claims `iat`, `jti`,
    /// `iss`, `payload_hash` (hex SHA-256 of the body), `api_key` and, when known, `application_id`.
    static func bearerToken(body: String, account: SandboxAccount, issuedAt: Int) -> String {
        var claims = JSONWriter(capacity: 300)
        claims.beginObject()
        claims.field("iat", issuedAt)
        claims.field("jti", SandboxIdentifiers.uuid())
        claims.field("iss", "Vonage")
        claims.field("payload_hash", SandboxIdentifiers.hex(SHA256.hash(data: Data(body.utf8))))
        claims.field("api_key", account.apiKey ?? "")
        if let applicationID = account.applicationID { claims.field("application_id", applicationID) }
        claims.endObject()
        let signingInput = base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + base64URL(Data(claims.text.utf8))
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data(signingInput.utf8), using: SymmetricKey(data: Data((account.signatureSecret ?? "").utf8)))
        return signingInput + "." + base64URL(Data(signature))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func signed(url: String, body: String, account: SandboxAccount) -> WebhookRequest {
        let token = bearerToken(body: body, account: account, issuedAt: SandboxTimestamp().unixSeconds)
        return WebhookRequest(
            url: url, contentType: "application/json", headers: [("Authorization", "Bearer " + token)], body: body)
    }
}
