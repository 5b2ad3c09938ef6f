import Crypto
import Foundation

/// Twilio's webhooks: status callbacks (providers.md §2.2) and inbound messages (§2.3), form
/// encoded and signed with `X-Twilio-Signature` (§2.4).
enum TwilioWebhooks {
    /// The sender a Messaging Service "picks" when a send names no `From`.
    static let poolSender = "+15005550006"

    /// The callbacks of each outcome; Twilio sends none for the initial `queued`.
    static func statusSteps(for outcome: MagicNumber.DeliveryOutcome) -> [CallbackStep] {
        switch outcome {
        case .delivered, .optedOut:
            [CallbackStep(status: "sent"), CallbackStep(status: "delivered")]
        case .undelivered:
            [
                CallbackStep(status: "sent"),
                CallbackStep(status: "undelivered", errorCode: "30003", errorTitle: "Unreachable destination handset"),
            ]
        case .failed:
            [CallbackStep(status: "failed", errorCode: "30001", errorTitle: "Queue overflow")]
        case .unconfirmed:
            [CallbackStep(status: "sent")]
        }
    }

    static func statusCallback(_ message: AcceptedMessage, step: CallbackStep) -> WebhookRequest {
        let send = message.send
        var parameters: [(name: String, value: String)] = [
            ("MessageSid", message.messageID),
            ("SmsSid", message.messageID),
            ("AccountSid", send.account.accountSID ?? ""),
            ("From", send.from),
            ("To", send.to),
            ("MessageStatus", step.status),
            ("SmsStatus", step.status),
            ("ApiVersion", "2010-04-01"),
        ]
        if let service = send.messagingServiceSID { parameters.append(("MessagingServiceSid", service)) }
        if let code = step.errorCode {
            parameters.append(("ErrorCode", code))
            if let title = step.errorTitle { parameters.append(("ErrorMessage", title)) }
        }
        if step.status == "delivered" || step.status == "undelivered" {
            parameters.append(("RawDlrDoneDate", SandboxTimestamp().dlrDoneDate))
        }
        return signed(url: send.callbackURL ?? "", parameters: parameters, authToken: send.account.authToken ?? "")
    }

    /// An inbound SMS/MMS webhook to `url`, as Twilio posts it to a number's messaging URL.
    static func inbound(
        account: SandboxAccount, messageID: String, from: String, to: String, text: String, mediaURLs: [String],
        url: String
    ) -> WebhookRequest {
        let segments = SandboxSegmentCounter.count(text).segments
        var parameters: [(name: String, value: String)] = []
        if to.hasPrefix("+1") { parameters.append(("ToCountry", "US")) }
        parameters += [
            ("SmsMessageSid", messageID),
            ("NumMedia", String(mediaURLs.count)),
            ("SmsSid", messageID),
            ("SmsStatus", "received"),
            ("Body", text),
        ]
        if from.hasPrefix("+1") { parameters.append(("FromCountry", "US")) }
        parameters += [
            ("To", to),
            ("NumSegments", String(segments)),
            ("MessageSid", messageID),
            ("AccountSid", account.accountSID ?? ""),
            ("From", from),
            ("ApiVersion", "2010-04-01"),
        ]
        for (index, mediaURL) in mediaURLs.enumerated() {
            parameters.append(("MediaContentType\(index)", MediaType.guess(mediaURL)))
            parameters.append(("MediaUrl\(index)", mediaURL))
        }
        return signed(url: url, parameters: parameters, authToken: account.authToken ?? "")
    }

    /// `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the Auth Token, of the URL followed by
    /// every parameter name and value, sorted by name (then value) in code-point order.
    static func signature(url: String, parameters: [(name: String, value: String)], authToken: String) -> String {
        var seen = Set<String>()
        let sorted = parameters.sorted {
            $0.name == $1.name ? $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)
                : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        var text = url
        // The SDK signs each distinct value of a repeated name once.
        for pair in sorted where seen.insert(pair.name + "\u{0}" + pair.value).inserted {
            text += pair.name
            text += pair.value
        }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(code).base64EncodedString()
    }

    private static func signed(url: String, parameters: [(name: String, value: String)], authToken: String) -> WebhookRequest {
        WebhookRequest(
            url: url, contentType: "application/x-www-form-urlencoded",
            headers: [("X-Twilio-Signature", signature(url: url, parameters: parameters, authToken: authToken))],
            body: FormCoding.encode(parameters))
    }
}
