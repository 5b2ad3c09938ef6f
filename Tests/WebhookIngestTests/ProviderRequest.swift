import Crypto
import Foundation
import Providers
import Testing

/// One webhook request as a provider sends it to webhook-ingest, signed the provider's way with
/// the harness organization's credentials (or forged, or signed at another time).
struct ProviderRequest: Sendable {
    var method = "POST"
    /// The path, with the query string of a `GET`.
    var path: String
    var body = ""
    var headers: [(String, String)] = []
}

/// The webhook routes and the kind of request each takes, one case per signature scheme and
/// direction, so a test can drive every route the same way.
enum WebhookKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case twilioInbound, twilioStatus
    case telnyxInbound, telnyxStatus
    case vonageMessagesInbound, vonageMessagesStatus
    case vonageSMSInbound, vonageSMSReceipt

    var provider: String {
        switch self {
        case .twilioInbound, .twilioStatus: "twilio"
        case .telnyxInbound, .telnyxStatus: "telnyx"
        default: "vonage"
        }
    }

    var isInbound: Bool { [.twilioInbound, .telnyxInbound, .vonageMessagesInbound, .vonageSMSInbound].contains(self) }

    /// Whether the provider signs a time with the request, so a stale one can be told from a fresh one.
    var signsATime: Bool { provider != "twilio" }

    /// What a forged request gets: Twilio's convention is 403, everyone else's 401.
    var refusedStatus: Int { provider == "twilio" ? 403 : 401 }

    static var statusKinds: [WebhookKind] { allCases.filter { !$0.isInbound } }

    /// The provider's word for "handed to the carrier", which we call `sent`.
    var sentStatus: String {
        switch self {
        case .vonageMessagesStatus: "submitted"
        case .vonageSMSReceipt: "accepted"
        default: "sent"
        }
    }

    var testDescription: String { rawValue }

    /// A fresh provider message id of this provider's shape.
    func newProviderMessageID() -> String {
        switch provider {
        case "twilio": "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        case "telnyx": UUID().uuidString.lowercased()
        default:
            self == .vonageMessagesInbound || self == .vonageMessagesStatus
                ? UUID().uuidString.lowercased()
                : "0A" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(14))
        }
    }
}

/// How a test request is signed.
enum Signing: Sendable {
    /// With the organization's credentials, at `Date()` plus this many seconds.
    case valid(offset: TimeInterval = 0)
    /// With credentials that are not the organization's.
    case forged
    /// Now, with this Twilio auth token or Vonage signature secret instead of the harness's own
    /// (a credential rotated through the directory). Not for Telnyx, which signs with a key pair.
    case secret(String)
}

extension IngestHarness {
    static let customer = "+15557770000"

    /// A request of `kind` about `providerMessageID`: inbound, the text `text`; status, the
    /// provider's status word `status` (Twilio `delivered`, Telnyx `delivered` (finalized) or
    /// `sent`, Vonage Messages `delivered`/`submitted`, Vonage DLR `delivered`/`accepted`).
    func request(
        _ kind: WebhookKind, providerMessageID: String, text: String = "hello", status: String = "delivered",
        signing: Signing = .valid(), extra: [(String, String)] = []
    ) throws -> ProviderRequest {
        let ours = numbers[kind.provider]!
        let offset: TimeInterval
        if case .valid(let seconds) = signing { offset = seconds } else { offset = 0 }
        let at = Date().addingTimeInterval(offset)
        let forged = if case .forged = signing { true } else { false }
        var twilioToken = forged ? "not-the-token" : twilio.token
        var vonageSecret = forged ? "not-the-secret" : vonage.signature
        if case .secret(let secret) = signing {
            precondition(kind.provider != "telnyx", "Telnyx requests are signed with the sandbox key pair")
            twilioToken = secret
            vonageSecret = secret
        }
        switch kind {
        case .twilioInbound, .twilioStatus:
            let path = kind == .twilioInbound ? "/webhooks/sms/twilio" : "/webhooks/status/twilio"
            var pairs: [(name: String, value: String)] =
                kind == .twilioInbound
                ? [
                    ("MessageSid", providerMessageID), ("From", Self.customer), ("To", ours), ("Body", text),
                    ("NumMedia", "0"),
                ]
                : [("MessageSid", providerMessageID), ("MessageStatus", status), ("From", ours), ("To", Self.customer)]
            pairs += [("AccountSid", twilio.sid)] + extra.map { (name: $0.0, value: $0.1) }
            let params = FormParameters(pairs)
            let signature = TwilioSignature.compute(
                url: baseURL + path, params: params, authToken: twilioToken)
            return ProviderRequest(
                path: path, body: FormParameters.encode(params.pairs),
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)])
        case .telnyxInbound, .telnyxStatus:
            let body: String
            if kind == .telnyxInbound {
                body = WebhookIngestTests.telnyxInbound(
                    id: providerMessageID, from: Self.customer, to: ours, text: text)
            } else {
                let eventType = status == "sent" ? "message.sent" : "message.finalized"
                body =
                    #"{"data":{"event_type":"\#(eventType)","id":"\#(UUID().uuidString.lowercased())","occurred_at":"2026-01-01T00:00:00.000+00:00","payload":{"id":"\#(providerMessageID)","direction":"outbound","from":{"phone_number":"\#(ours)"},"to":[{"phone_number":"\#(Self.customer)","status":"\#(status)"}],"errors":[]},"record_type":"event"},"meta":{"attempt":1}}"#
            }
            let key =
                try forged
                ? Curve25519.Signing.PrivateKey() : Curve25519.Signing.PrivateKey(rawRepresentation: sandboxSeed)
            let timestamp = String(Int(at.timeIntervalSince1970))
            let signature = try key.signature(for: Data("\(timestamp)|\(body)".utf8)).base64EncodedString()
            return ProviderRequest(
                path: "/webhooks/sms/telnyx", body: body,
                headers: [
                    ("Content-Type", "application/json"), ("telnyx-signature-ed25519", signature),
                    ("telnyx-timestamp", timestamp),
                ])
        case .vonageMessagesInbound, .vonageMessagesStatus:
            let digits = ours.dropFirst()
            let customer = Self.customer.dropFirst()
            let body =
                kind == .vonageMessagesInbound
                ? #"{"channel":"sms","message_uuid":"\#(providerMessageID)","to":"\#(digits)","from":"\#(customer)","timestamp":"2026-01-01T00:00:00Z","text":"\#(text)","sms":{"num_messages":"1"},"message_type":"text"}"#
                : #"{"message_uuid":"\#(providerMessageID)","to":"\#(customer)","from":"\#(digits)","timestamp":"2026-01-01T00:00:00Z","status":"\#(status)","channel":"sms"}"#
            let token = WebhookIngestTests.vonageJWT(
                body: body, secret: vonageSecret, issuedAt: at)
            let path = kind == .vonageMessagesInbound ? "/webhooks/sms/vonage" : "/webhooks/status/vonage"
            return ProviderRequest(
                path: path, body: body,
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + token)])
        case .vonageSMSInbound, .vonageSMSReceipt:
            // SMS API: numbers as digits; inbound as a form POST, receipts as a GET query.
            var pairs: [(name: String, value: String)] =
                kind == .vonageSMSInbound
                ? [
                    ("msisdn", String(Self.customer.dropFirst())), ("to", String(ours.dropFirst())),
                    ("messageId", providerMessageID),
                    ("text", text), ("type", "text"), ("message-timestamp", "2026-01-01 00:00:00"),
                ]
                : [
                    ("msisdn", String(Self.customer.dropFirst())), ("to", String(ours.dropFirst())),
                    ("messageId", providerMessageID),
                    ("status", status), ("err-code", "0"), ("message-timestamp", "2026-01-01 00:00:00"),
                ]
            pairs += [
                ("api-key", vonage.key), ("timestamp", String(Int(at.timeIntervalSince1970))),
                ("nonce", UUID().uuidString),
            ]
            pairs += extra.map { (name: $0.0, value: $0.1) }
            var params = FormParameters(pairs)
            params.append(
                "sig",
                VonageSignature.compute(
                    params: params, secret: vonageSecret, method: .md5hash))
            let encoded = FormParameters.encode(params.pairs)
            if kind == .vonageSMSInbound {
                return ProviderRequest(
                    path: "/webhooks/sms/vonage", body: encoded,
                    headers: [("Content-Type", "application/x-www-form-urlencoded")])
            }
            return ProviderRequest(method: "GET", path: "/webhooks/status/vonage?" + encoded)
        }
    }

    /// Sends a request built by ``request(_:providerMessageID:text:status:signing:extra:)``.
    func send(_ request: ProviderRequest) async throws -> (Int, String) {
        try await send(method: request.method, request.path, body: request.body, headers: request.headers)
    }
}
