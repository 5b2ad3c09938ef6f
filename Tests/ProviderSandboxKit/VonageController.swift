import Hummingbird

/// The Vonage Messages API's send endpoint (providers.md §5.1) for SMS and MMS, with Basic
/// `api_key:api_secret` authentication.
struct VonageController: ProviderEmulator {
    let pipeline: SendPipeline

    private static let smsTypes: Set<String> = ["text"]
    private static let mmsTypes: Set<String> = ["text", "image", "vcard", "audio", "video", "file", "content"]

    func addRoutes(to router: Router<BasicRequestContext>) {
        // POST /v1/messages
        router.post("/v1/messages") { request, _ in
            await self.send(request).response
        }
    }

    func send(_ request: Request) async -> ProviderReply {
        let json = await JSONRequestBody.read(request)
        let channel = json.string("channel") ?? ""
        let messageType = json.string("message_type") ?? ""
        let to = json.string("to") ?? ""
        let from = json.string("from") ?? ""
        let clientRef = json.string("client_ref")
        let attachment = Self.attachment(json, messageType: messageType)
        let text = json.string("text") ?? attachment.caption ?? ""
        let state = pipeline.state
        let sequence = state.store.begin(
            provider: .vonage, account: nil, from: from, to: to, body: text, mediaURLs: attachment.urls,
            idempotencyKey: nil, clientRef: clientRef)

        guard let credentials = BasicCredentials(request), let account = state.account(.vonage, key: credentials.user),
            let secret = account.apiSecret, secretsMatch(secret, credentials.password)
        else {
            return pipeline.reject(
                sequence, account: nil,
                Self.problem(
                    401, type: "https://developer.vonage.com/api-errors#unathorized", code: "401", title: "Unauthorized",
                    detail: "You did not provide correct credentials."))
        }

        let webhookURL = json.string("webhook_url")
        let validation: ProviderReply? =
            if json.object == nil {
                Self.invalid(code: "1150", title: "Invalid JSON", detail: "The request body did not contain valid JSON.")
            } else if channel != "sms" && channel != "mms" {
                Self.invalid(code: "1400", title: "Unsupported channel", detail: "The channel '\(channel)' is not supported.")
            } else if !(channel == "sms" ? Self.smsTypes : Self.mmsTypes).contains(messageType) {
                Self.invalid(
                    code: "1440", title: "Invalid message type",
                    detail: "The message_type '\(messageType)' is not supported on the \(channel) channel.")
            } else if to.isEmpty {
                Self.invalidParameters([("to", "is required.")])
            } else if !PhoneNumberFormat.isVonageNumber(to) {
                invalidNumber(to: to)
            } else if from.isEmpty {
                Self.invalidParameters([("from", "is required.")])
            } else if !PhoneNumberFormat.isVonageNumber(from) && !PhoneNumberFormat.isAlphanumericSender(from) {
                Self.invalid(code: "1420", title: "Invalid sender", detail: "The value of the `from` parameter is invalid.")
            } else if messageType == "text" && (json.string("text") ?? "").isEmpty {
                Self.invalidParameters([("text", "is required.")])
            } else if messageType == "text" && text.count > (channel == "sms" ? 3200 : 2000) {
                Self.invalidParameters([("text", "is too long.")])
            } else if let problem = attachment.problem {
                Self.invalidParameters([problem])
            } else if let clientRef, clientRef.count > 100 {
                Self.invalid(code: "1450", title: "Invalid client reference", detail: "client_ref must be at most 100 characters.")
            } else if json.isPresent("client_ref") && clientRef == nil {
                Self.invalid(code: "1450", title: "Invalid client reference", detail: "client_ref must be a string.")
            } else if let webhookURL, !PhoneNumberFormat.isHTTPURL(webhookURL) {
                Self.invalidParameters([("webhook_url", "must be a valid URL.")])
            } else if json.isPresent("ttl"), !Self.validTTL(json.object?["ttl"], channel: channel) {
                Self.invalidParameters([("ttl", channel == "sms" ? "must be between 20 and 604800." : "must be between 300 and 259200.")])
            } else {
                nil
            }
        if let validation { return pipeline.reject(sequence, account: account, validation) }

        var send = OutboundSend(
            provider: .vonage, account: account, from: from, to: to, body: text, mediaURLs: attachment.urls,
            callbackURL: webhookURL ?? account.webhookURL, clientRef: clientRef)
        send.channel = channel
        send.messageType = messageType
        return await pipeline.process(send, sequence: sequence, emulator: self)
    }

    // MARK: ProviderEmulator

    private func invalidNumber(to: String) -> ProviderReply {
        Self.invalid(code: "1430", title: "Invalid recipient", detail: "The value of the `to` parameter is invalid.")
    }

    func invalidNumber(_ send: OutboundSend) -> ProviderReply {
        invalidNumber(to: send.to)
    }

    func optedOut(_ send: OutboundSend) -> ProviderReply? {
        // Vonage reports an opted-out recipient asynchronously (rejected, 1240).
        nil
    }

    func throttled(limit: Int) -> ProviderReply {
        var reply = Self.problem(
            429, type: "https://developer.vonage.com/api-errors/messages#1000", code: "1000", title: "Throttled",
            detail: "You have exceeded the submission capacity allowed on this account. Please wait and retry.")
        let retry = SendPipeline.retryAfterSeconds
        reply.headers += [
            (.rateLimitLimit, String(limit)), (.rateLimitRemaining, "0"),
            (.rateLimitReset, String(SandboxTimestamp().unixSeconds + retry)), (.retryAfter, String(retry)),
        ]
        return reply
    }

    func serverError() -> ProviderReply {
        Self.problem(
            500, type: "https://developer.vonage.com/api-errors/messages#1030", code: "1030", title: "Internal Error",
            detail: "An error has occurred in the platform whilst processing this message.")
    }

    func newMessageID(for send: OutboundSend) -> String {
        SandboxIdentifiers.uuid()
    }

    func accepted(_ message: AcceptedMessage) -> ProviderReply {
        var json = JSONWriter(capacity: 64)
        json.beginObject()
        json.field("message_uuid", message.messageID)
        json.endObject()
        var reply = ProviderReply.json(202, json.text)
        reply.headers.append((.requestID, SandboxIdentifiers.hex32()))
        return reply
    }

    // MARK: Errors

    /// Vonage's RFC 7807 body (`application/problem+json`) with an `X-Request-Id`.
    static func problem(
        _ status: Int, type: String, code: String, title: String, detail: String,
        invalidParameters: [(name: String, reason: String)] = []
    ) -> ProviderReply {
        let instance = SandboxIdentifiers.hex32()
        var json = JSONWriter(capacity: 300)
        json.beginObject()
        json.field("type", type)
        json.field("title", title)
        json.field("detail", detail)
        json.field("instance", instance)
        if !invalidParameters.isEmpty {
            json.key("invalid_parameters")
            json.beginArray()
            for parameter in invalidParameters {
                json.beginObject()
                json.field("name", parameter.name)
                json.field("reason", parameter.reason)
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
        return ProviderReply(
            status: status, errorCode: code, contentType: "application/problem+json", headers: [(.requestID, instance)],
            body: json.text)
    }

    private static func invalid(code: String, title: String, detail: String) -> ProviderReply {
        problem(422, type: "https://developer.vonage.com/api-errors/messages#\(code)", code: code, title: title, detail: detail)
    }

    private static func invalidParameters(_ parameters: [(name: String, reason: String)]) -> ProviderReply {
        problem(
            422, type: "https://developer.vonage.com/api-errors/messages#1150", code: "1150", title: "Invalid params",
            detail: "The value of one or more parameters is invalid.", invalidParameters: parameters)
    }

    private static func validTTL(_ value: Any?, channel: String) -> Bool {
        guard let ttl = value as? Int else { return false }
        return channel == "sms" ? (20...604_800).contains(ttl) : (300...259_200).contains(ttl)
    }

    /// The media of an MMS request: its URLs, the caption, and what is wrong with it, if anything.
    private static func attachment(
        _ json: JSONRequestBody, messageType: String
    ) -> (urls: [String], caption: String?, problem: (name: String, reason: String)?) {
        switch messageType {
        case "image", "vcard", "audio", "video", "file":
            guard let url = json.string("url", in: messageType) else {
                return ([], nil, ("\(messageType).url", "is required."))
            }
            let caption = json.string("caption", in: messageType)
            return ([url], caption, PhoneNumberFormat.isHTTPURL(url) ? nil : ("\(messageType).url", "must be a valid URL."))
        case "content":
            guard let items = json.object?["content"] as? [[String: Any]], !items.isEmpty else {
                return ([], nil, ("content", "is required."))
            }
            let urls = items.compactMap { $0["url"] as? String }
            guard urls.count == items.count, urls.allSatisfy(PhoneNumberFormat.isHTTPURL) else {
                return (urls, nil, ("content.url", "must be a valid URL."))
            }
            return (urls, items.first?["caption"] as? String, nil)
        default:
            return ([], nil, nil)
        }
    }
}
