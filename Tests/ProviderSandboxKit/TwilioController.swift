import Hummingbird

/// Twilio Programmable Messaging's send API (providers.md §2.1), strict about credentials and
/// the form-encoded wire format.
struct TwilioController: ProviderEmulator {
    let pipeline: SendPipeline

    /// Twilio's body limit, in characters.
    private static let maxBodyCharacters = 1600
    private static let maxMedia = 10

    func addRoutes(to router: Router<BasicRequestContext>) {
        // POST /2010-04-01/Accounts/{AccountSid}/Messages.json
        router.post("/2010-04-01/Accounts/:accountSID/Messages.json") { request, context in
            await self.send(request, accountSID: context.parameters.get("accountSID") ?? "").response
        }
    }

    func send(_ request: Request, accountSID pathSID: String) async -> ProviderReply {
        var request = request
        let isForm = request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
        // A non-form body reads as no parameters at all, as on Twilio (To is then missing).
        var parameters: [(name: String, value: String)] = []
        if isForm, let buffer = try? await request.collectBody(upTo: 1 << 20) {
            parameters = FormCoding.decode(buffer.readableBytesView)
        }
        func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
        let to = value("To") ?? ""
        let from = value("From") ?? ""
        let body = value("Body") ?? ""
        let mediaURLs = parameters.filter { $0.name == "MediaUrl" }.map(\.value)
        let idempotencyKey = request.headers[.twilioIdempotencyToken]
        let state = pipeline.state
        let sequence = state.store.begin(
            provider: .twilio, account: nil, from: from, to: to, body: body, mediaURLs: mediaURLs,
            idempotencyKey: idempotencyKey, clientRef: nil)

        guard let credentials = BasicCredentials(request), credentials.user == pathSID,
            let account = state.account(.twilio, key: credentials.user), let token = account.authToken,
            secretsMatch(token, credentials.password)
        else {
            var reply = Self.error(401, code: 20003, message: "Authenticate")
            reply.headers.append((.wwwAuthenticate, "Basic realm=\"Twilio API\""))
            return pipeline.reject(sequence, account: nil, reply)
        }

        let messagingServiceSID = value("MessagingServiceSid")
        let statusCallback = value("StatusCallback")
        let validation: ProviderReply? =
            if to.isEmpty {
                Self.error(400, code: 21604, message: "A 'To' phone number is required.")
            } else if from.isEmpty && (messagingServiceSID ?? "").isEmpty {
                Self.error(400, code: 21603, message: "A 'From' phone number is required.")
            } else if body.isEmpty && mediaURLs.isEmpty && (value("ContentSid") ?? "").isEmpty {
                Self.error(400, code: 21602, message: "Message body is required.")
            } else if !PhoneNumberFormat.isE164(to) {
                Self.error(400, code: 21211, message: "The 'To' number \(to) is not a valid phone number.")
            } else if !from.isEmpty && !PhoneNumberFormat.isE164(from) && !PhoneNumberFormat.isShortCode(from)
                && !PhoneNumberFormat.isAlphanumericSender(from)
            {
                Self.error(400, code: 21212, message: "The 'From' number \(from) is not a valid phone number, shortcode, or alphanumeric sender ID.")
            } else if body.count > Self.maxBodyCharacters {
                Self.error(400, code: 21617, message: "The concatenated message body exceeds the 1600 character limit.")
            } else if mediaURLs.count > Self.maxMedia {
                Self.error(400, code: 21623, message: "The number of media URLs exceeds the limit of 10.")
            } else if let bad = mediaURLs.first(where: { !PhoneNumberFormat.isHTTPURL($0) }) {
                Self.error(400, code: 21620, message: "Invalid media URL(s): \(bad)")
            } else if let statusCallback, !PhoneNumberFormat.isHTTPURL(statusCallback) {
                Self.error(400, code: 21609, message: "The StatusCallback URL \(statusCallback) is not a valid URL.")
            } else {
                nil
            }
        if let validation { return pipeline.reject(sequence, account: account, validation) }

        let send = OutboundSend(
            provider: .twilio, account: account, from: from.isEmpty ? TwilioWebhooks.poolSender : from, to: to,
            body: body, mediaURLs: mediaURLs, callbackURL: statusCallback, idempotencyKey: idempotencyKey,
            messagingServiceSID: messagingServiceSID)
        return await pipeline.process(send, sequence: sequence, emulator: self)
    }

    // MARK: ProviderEmulator

    func invalidNumber(_ send: OutboundSend) -> ProviderReply {
        Self.error(400, code: 21211, message: "The 'To' number \(send.to) is not a valid phone number.")
    }

    func optedOut(_ send: OutboundSend) -> ProviderReply? {
        Self.error(400, code: 21610, message: "Attempt to send to unsubscribed recipient")
    }

    func throttled(limit: Int) -> ProviderReply {
        var reply = Self.error(429, code: 20429, message: "Too Many Requests")
        reply.headers.append((.retryAfter, String(SendPipeline.retryAfterSeconds)))
        return reply
    }

    func serverError() -> ProviderReply {
        Self.error(500, code: 20500, message: "An internal server error has occurred")
    }

    func newMessageID(for send: OutboundSend) -> String {
        SandboxIdentifiers.twilioSID(prefix: send.mediaURLs.isEmpty ? "SM" : "MM")
    }

    func accepted(_ message: AcceptedMessage) -> ProviderReply {
        let send = message.send
        let accountSID = send.account.accountSID ?? ""
        let date = message.acceptedAt.rfc2822
        let usesService = send.messagingServiceSID != nil
        let uri = "/2010-04-01/Accounts/\(accountSID)/Messages/\(message.messageID)"
        var json = JSONWriter(capacity: 900)
        json.beginObject()
        json.field("account_sid", accountSID)
        json.field("api_version", "2010-04-01")
        json.field("body", send.body)
        json.field("date_created", date)
        json.field("date_sent", nil as String?)
        json.field("date_updated", date)
        json.field("direction", "outbound-api")
        json.field("error_code", nil as Int?)
        json.field("error_message", nil as String?)
        // With a Messaging Service the sender is picked later, so neither it nor the segments are known yet.
        json.field("from", usesService ? nil : send.from)
        json.field("messaging_service_sid", send.messagingServiceSID)
        json.field("num_media", String(send.mediaURLs.count))
        json.field("num_segments", usesService ? "0" : String(message.count.segments))
        json.field("price", nil as String?)
        json.field("price_unit", "USD")
        json.field("sid", message.messageID)
        json.field("status", usesService ? "accepted" : "queued")
        json.key("subresource_uris")
        json.beginObject()
        json.field("media", uri + "/Media.json")
        json.endObject()
        json.field("to", send.to)
        json.field("uri", uri + ".json")
        json.endObject()
        return .json(201, json.text)
    }

    /// Twilio's legacy error body: `{code, message, more_info, status}`.
    static func error(_ status: Int, code: Int, message: String) -> ProviderReply {
        var json = JSONWriter(capacity: 200)
        json.beginObject()
        json.field("code", code)
        json.field("message", message)
        json.field("more_info", "https://www.twilio.com/docs/errors/\(code)")
        json.field("status", status)
        json.endObject()
        return .json(status, json.text, errorCode: String(code))
    }
}
