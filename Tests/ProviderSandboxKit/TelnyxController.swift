import Hummingbird

/// Telnyx Messaging v2's send API (providers.md §3.1): Bearer API key, JSON body.
struct TelnyxController: ProviderEmulator {
    let pipeline: SendPipeline

    func addRoutes(to router: Router<BasicRequestContext>) {
        // POST /v2/messages
        router.post("/v2/messages") { request, _ in
            await self.send(request).response
        }
    }

    func send(_ request: Request) async -> ProviderReply {
        let json = await JSONRequestBody.read(request)
        let to = json.string("to") ?? ""
        let from = json.string("from") ?? ""
        let text = json.string("text") ?? ""
        let mediaList = json.strings("media_urls")
        var mediaURLs: [String] = []
        if case .present(let urls) = mediaList { mediaURLs = urls }
        let idempotencyKey = request.headers[.idempotencyKey]
        let state = pipeline.state
        let sequence = state.store.begin(
            provider: .telnyx, account: nil, from: from, to: to, body: text, mediaURLs: mediaURLs,
            idempotencyKey: idempotencyKey, clientRef: nil)

        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let account = state.account(.telnyx, key: String(header.dropFirst(7)).trimmingSpaces)
        else {
            return pipeline.reject(
                sequence, account: nil,
                Self.error(401, code: "10009", title: "Authentication failed", detail: "The API key looks malformed or is not valid."))
        }

        let profileID = json.string("messaging_profile_id")
        let webhookURL = json.string("webhook_url")
        let encoding = json.string("encoding") ?? "auto"
        let validation: ProviderReply? =
            if json.object == nil {
                Self.error(400, code: "10015", title: "Bad Request", detail: "The request body is not a valid JSON object.", pointer: "/")
            } else if json.object?["to"] is [Any] {
                Self.error(400, code: "40310", title: "Invalid 'to' address", detail: "Only a single recipient is supported.", pointer: "/to")
            } else if to.isEmpty {
                Self.error(400, code: "40310", title: "Invalid 'to' address", detail: "The 'to' parameter is required.", pointer: "/to")
            } else if !PhoneNumberFormat.isE164(to) && !PhoneNumberFormat.isShortCode(to) {
                invalidNumber(to: to)
            } else if from.isEmpty && (profileID ?? "").isEmpty {
                Self.error(
                    400, code: "40305", title: "Invalid 'from' address",
                    detail: "The 'from' parameter is required unless a messaging_profile_id is given.", pointer: "/from")
            } else if !from.isEmpty && !PhoneNumberFormat.isE164(from) && !PhoneNumberFormat.isShortCode(from)
                && !PhoneNumberFormat.isAlphanumericSender(from)
            {
                Self.error(
                    400, code: "40305", title: "Invalid 'from' address",
                    detail: "The 'from' address should be a valid number, short code or alphanumeric sender ID.", pointer: "/from")
            } else if json.isPresent("text") && json.string("text") == nil {
                Self.error(400, code: "10015", title: "Bad Request", detail: "The 'text' parameter must be a string.", pointer: "/text")
            } else if case .invalid = mediaList {
                Self.error(400, code: "10015", title: "Bad Request", detail: "'media_urls' must be an array of URLs.", pointer: "/media_urls")
            } else if let bad = mediaURLs.first(where: { !PhoneNumberFormat.isHTTPURL($0) }) {
                Self.error(400, code: "10015", title: "Bad Request", detail: "Invalid media URL: \(bad)", pointer: "/media_urls")
            } else if text.isEmpty && mediaURLs.isEmpty {
                Self.error(
                    400, code: "10015", title: "Bad Request", detail: "The 'text' parameter is required when 'media_urls' is empty.",
                    pointer: "/text")
            } else if let webhookURL, !PhoneNumberFormat.isHTTPURL(webhookURL) {
                Self.error(400, code: "10015", title: "Bad Request", detail: "Invalid webhook_url.", pointer: "/webhook_url")
            } else if !["auto", "gsm7", "ucs2"].contains(encoding) {
                Self.error(400, code: "10015", title: "Bad Request", detail: "'encoding' must be auto, gsm7 or ucs2.", pointer: "/encoding")
            } else if encoding == "gsm7" && SandboxSegmentCounter.count(text).encoding != .gsm7 {
                Self.error(400, code: "10015", title: "Bad Request", detail: "The text cannot be encoded as GSM-7.", pointer: "/text")
            } else if let profileID, let own = account.messagingProfileID, profileID != own {
                Self.error(
                    400, code: "10015", title: "Bad Request", detail: "The messaging profile does not belong to this account.",
                    pointer: "/messaging_profile_id")
            } else {
                nil
            }
        if let validation { return pipeline.reject(sequence, account: account, validation) }

        let send = OutboundSend(
            provider: .telnyx, account: account, from: from.isEmpty ? TelnyxWebhooks.poolSender : from, to: to,
            body: text, mediaURLs: mediaURLs, callbackURL: webhookURL ?? account.webhookURL, idempotencyKey: idempotencyKey,
            messagingProfileID: profileID ?? account.messagingProfileID)
        return await pipeline.process(send, sequence: sequence, emulator: self)
    }

    // MARK: ProviderEmulator

    private func invalidNumber(to: String) -> ProviderReply {
        Self.error(
            400, code: "40310", title: "Invalid 'to' address", detail: "The 'to' address should be a single valid number.",
            pointer: "/to")
    }

    func invalidNumber(_ send: OutboundSend) -> ProviderReply {
        invalidNumber(to: send.to)
    }

    func optedOut(_ send: OutboundSend) -> ProviderReply? {
        Self.error(
            400, code: "40300", title: "Blocked due to STOP message",
            detail: "The recipient has opted out of messages from this number.", pointer: "/to")
    }

    func throttled(limit: Int) -> ProviderReply {
        var reply = Self.error(429, code: "10011", title: "Too many requests", detail: "Rate limit exceeded. Slow down and retry.")
        let retry = String(SendPipeline.retryAfterSeconds)
        reply.headers += [
            (.telnyxRateLimitLimit, String(limit)), (.telnyxRateLimitRemaining, "0"), (.telnyxRateLimitReset, retry),
            (.retryAfter, retry),
        ]
        return reply
    }

    func serverError() -> ProviderReply {
        Self.error(500, code: "10007", title: "Unexpected error", detail: "An unexpected error occurred.")
    }

    func newMessageID(for send: OutboundSend) -> String {
        SandboxIdentifiers.uuid()
    }

    func accepted(_ message: AcceptedMessage) -> ProviderReply {
        var json = JSONWriter(capacity: 1400)
        json.beginObject()
        json.key("data")
        TelnyxWebhooks.writeRecord(&json, message, status: "queued", sentAt: nil, completedAt: nil, error: nil)
        json.endObject()
        return .json(200, json.text)
    }

    /// Telnyx's error body: `{"errors":[{code, title, detail, source?}]}`, `code` a string.
    static func error(_ status: Int, code: String, title: String, detail: String, pointer: String? = nil) -> ProviderReply {
        var json = JSONWriter(capacity: 240)
        json.beginObject()
        json.key("errors")
        json.beginArray()
        json.beginObject()
        json.field("code", code)
        json.field("title", title)
        json.field("detail", detail)
        if let pointer {
            json.key("source")
            json.beginObject()
            json.field("pointer", pointer)
            json.endObject()
        }
        json.key("meta")
        json.beginObject()
        json.field("url", "https://developers.telnyx.com/docs/overview/errors/\(code)")
        json.endObject()
        json.endObject()
        json.endArray()
        json.endObject()
        return .json(status, json.text, errorCode: code)
    }
}
