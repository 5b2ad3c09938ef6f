import Foundation
import Hummingbird

/// The sandbox's own routes under `/sandbox`: accounts, keys, inbound injection, and what was
/// received. Errors are `{"detail": ...}`, as on every Switchboard service.
struct SandboxController: Sendable {
    let state: SandboxState

    func addRoutes(to router: Router<BasicRequestContext>) {
        // GET /health
        router.get("/health") { _, _ in
            Self.json(200, #"{"status":"ok","service":"provider-sandbox"}"#)
        }
        // POST /sandbox/accounts
        router.post("/sandbox/accounts") { request, _ in
            await self.addAccounts(request)
        }
        // GET /sandbox/accounts
        router.get("/sandbox/accounts") { _, _ in
            var json = JSONWriter()
            json.beginObject()
            json.key("accounts")
            json.beginArray()
            for account in self.state.allAccounts { Self.write(&json, account) }
            json.endArray()
            json.endObject()
            return Self.json(200, json.text)
        }
        // GET /sandbox/keys
        router.get("/sandbox/keys") { _, _ in
            var json = JSONWriter()
            json.beginObject()
            json.field("telnyx_public_key", self.state.telnyxPublicKeyBase64)
            json.endObject()
            return Self.json(200, json.text)
        }
        // GET /sandbox/magic-numbers
        router.get("/sandbox/magic-numbers") { _, _ in
            var json = JSONWriter()
            json.beginObject()
            json.key("magic_numbers")
            json.beginArray()
            for magic in MagicNumber.all {
                json.beginObject()
                json.field("number", magic.e164)
                json.field("summary", magic.summary)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return Self.json(200, json.text)
        }
        // POST /sandbox/inbound
        router.post("/sandbox/inbound") { request, _ in
            await self.injectInbound(request)
        }
        // GET /sandbox/messages
        router.get("/sandbox/messages") { request, _ in
            self.listMessages(request)
        }
        // DELETE /sandbox/messages
        router.delete("/sandbox/messages") { _, _ in
            self.state.clearMessages()
            return Response(status: .noContent)
        }
        // POST /sandbox/sink/**: answers 200 and discards the body, a webhook target for benchmarks
        router.post("/sandbox/sink/**") { _, _ in
            Response(status: .ok)
        }
        // GET /sandbox/stats
        router.get("/sandbox/stats") { _, _ in
            self.stats()
        }
    }

    // MARK: Accounts

    private func addAccounts(_ request: Request) async -> Response {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 1 << 20) else {
            return Self.detail(400, "request body too large")
        }
        do {
            let accounts = try SandboxAccount.decodeList(Data(buffer.readableBytesView))
            for account in accounts { try state.addAccount(account) }
            var json = JSONWriter()
            if accounts.count == 1 {
                Self.write(&json, accounts[0])
            } else {
                json.beginObject()
                json.key("accounts")
                json.beginArray()
                for account in accounts { Self.write(&json, account) }
                json.endArray()
                json.endObject()
            }
            return Self.json(201, json.text)
        } catch {
            return Self.detail(400, "\(error)")
        }
    }

    private static func write(_ json: inout JSONWriter, _ account: SandboxAccount) {
        json.beginObject()
        json.field("provider", account.provider.rawValue)
        if let value = account.accountSID { json.field("account_sid", value) }
        if let value = account.authToken { json.field("auth_token", value) }
        if let value = account.apiKey { json.field("api_key", value) }
        if let value = account.messagingProfileID { json.field("messaging_profile_id", value) }
        if let value = account.apiSecret { json.field("api_secret", value) }
        if let value = account.signatureSecret { json.field("signature_secret", value) }
        if let value = account.applicationID { json.field("application_id", value) }
        if let value = account.webhookURL { json.field("webhook_url", value) }
        json.endObject()
    }

    // MARK: Inbound

    private func injectInbound(_ request: Request) async -> Response {
        let body = await JSONRequestBody.read(request)
        guard body.object != nil else { return Self.detail(400, "expected a JSON object") }
        guard let provider = body.string("provider").flatMap(SandboxProvider.init(rawValue:)) else {
            return Self.detail(400, "provider must be twilio, telnyx or vonage")
        }
        guard let targetURL = body.string("target_url"), PhoneNumberFormat.isHTTPURL(targetURL) else {
            return Self.detail(400, "target_url must be an http(s) URL")
        }
        guard let from = body.string("from"), !from.isEmpty, let to = body.string("to"), !to.isEmpty else {
            return Self.detail(400, "from and to are required")
        }
        var mediaURLs: [String] = []
        switch body.strings("media_urls") {
        case .absent: break
        case .invalid: return Self.detail(400, "media_urls must be an array of URLs")
        case .present(let urls): mediaURLs = urls
        }
        let text = body.string("text") ?? ""
        if text.isEmpty && mediaURLs.isEmpty { return Self.detail(400, "text or media_urls is required") }
        let accountKey = body.string("account_sid") ?? body.string("api_key")
        let account = state.account(provider, preferring: accountKey)
        if account == nil && provider != .telnyx {
            return Self.detail(400, "no \(provider.rawValue) account configured" + (accountKey.map { " with key \($0)" } ?? ""))
        }

        // Twilio and Telnyx write numbers in E.164; Vonage without the `+`.
        func e164(_ number: String) -> String {
            number.hasPrefix("+") || !number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? number : "+" + number
        }
        let messageID: String
        let webhook: WebhookRequest
        switch provider {
        case .twilio:
            messageID = SandboxIdentifiers.twilioSID(prefix: mediaURLs.isEmpty ? "SM" : "MM")
            webhook = TwilioWebhooks.inbound(
                account: account!, messageID: messageID, from: e164(from), to: e164(to), text: text, mediaURLs: mediaURLs,
                url: targetURL)
        case .telnyx:
            messageID = SandboxIdentifiers.uuid()
            webhook = TelnyxWebhooks.inbound(
                messageID: messageID, from: e164(from), to: e164(to), text: text, mediaURLs: mediaURLs,
                profileID: account?.messagingProfileID, url: targetURL, key: state.telnyxKey)
        case .vonage:
            messageID = SandboxIdentifiers.uuid()
            webhook = VonageWebhooks.inbound(
                account: account!, messageID: messageID, from: from, to: to, text: text, mediaURLs: mediaURLs,
                url: targetURL)
        }
        let answer = await SandboxHTTPClient.post(webhook, timeout: state.configuration.callbackTimeout)

        var json = JSONWriter(capacity: 2048)
        json.beginObject()
        json.field("provider", provider.rawValue)
        json.field("message_id", messageID)
        json.key("request")
        json.beginObject()
        json.field("url", webhook.url)
        json.field("method", "POST")
        json.key("headers")
        Self.writeHeaders(&json, [("Content-Type", webhook.contentType)] + webhook.headers)
        json.field("body", webhook.body)
        json.endObject()
        json.key("response")
        json.beginObject()
        json.field("status", answer.status)
        json.key("headers")
        Self.writeHeaders(&json, answer.headers)
        json.field("body", answer.body)
        json.field("error", answer.error)
        json.endObject()
        json.endObject()
        return Self.json(200, json.text)
    }

    private static func writeHeaders(_ json: inout JSONWriter, _ headers: [(name: String, value: String)]) {
        json.beginObject()
        for header in headers { json.field(header.name, header.value) }
        json.endObject()
    }

    // MARK: Messages and stats

    private func listMessages(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        var provider: SandboxProvider?
        if let raw = query.get("provider"), !raw.isEmpty {
            guard let parsed = SandboxProvider(rawValue: raw) else {
                return Self.detail(400, "provider must be twilio, telnyx or vonage")
            }
            provider = parsed
        }
        var limit = 1000
        if let raw = query.get("limit") {
            guard let parsed = Int(raw), parsed > 0 else { return Self.detail(400, "limit must be a positive integer") }
            limit = parsed
        }
        let from = query.get("from").flatMap { $0.isEmpty ? nil : $0 }
        let to = query.get("to").flatMap { $0.isEmpty ? nil : $0 }
        let messages = state.messages(provider: provider, from: from, to: to, limit: limit)

        var json = JSONWriter(capacity: 256 + messages.count * 400)
        json.beginObject()
        json.field("count", messages.count)
        json.key("messages")
        json.beginArray()
        for message in messages { Self.write(&json, message) }
        json.endArray()
        json.endObject()
        return Self.json(200, json.text)
    }

    private static func write(_ json: inout JSONWriter, _ message: SandboxReceivedMessage) {
        json.beginObject()
        json.field("sequence", message.sequence)
        json.field("received_at", message.receivedAt)
        json.field("received_at_unix_ms", message.receivedAtUnix)
        json.field("provider", message.provider.rawValue)
        json.field("account", message.account)
        json.field("from", message.from)
        json.field("to", message.to)
        json.field("body", message.body)
        json.field("media_urls", strings: message.mediaURLs)
        json.field("idempotency_key", message.idempotencyKey)
        json.field("client_ref", message.clientRef)
        json.field("message_id", message.messageID)
        json.field("http_status", message.httpStatus)
        json.field("error_code", message.errorCode)
        json.field("segments", message.segments)
        json.field("callback_url", message.callbackURL)
        json.key("callbacks")
        json.beginArray()
        for callback in message.callbacks {
            json.beginObject()
            json.field("status", callback.status)
            json.field("http_status", callback.httpStatus)
            json.field("attempts", callback.attempts)
            json.field("error", callback.error)
            json.field("sent_at", callback.sentAt)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    private func stats() -> Response {
        let stats = state.stats
        var json = JSONWriter(capacity: 512 + stats.fromNumbers.count * 120)
        json.beginObject()
        json.field("requests", stats.total.requests)
        json.field("accepted", stats.total.accepted)
        json.key("providers")
        json.beginObject()
        for provider in SandboxProvider.allCases {
            let counts = stats.providers[provider] ?? .init()
            json.key(provider.rawValue)
            json.beginObject()
            json.field("requests", counts.requests)
            json.field("accepted", counts.accepted)
            json.endObject()
        }
        json.endObject()
        json.key("from_numbers")
        json.beginObject()
        for (number, counts) in stats.fromNumbers.sorted(by: { $0.key < $1.key }) {
            json.key(number)
            json.beginObject()
            json.field("requests", counts.requests)
            json.field("accepted", counts.accepted)
            json.field("max_per_second", counts.maxPerSecond)
            json.field("max_accepted_per_second", counts.maxAcceptedPerSecond)
            json.endObject()
        }
        json.endObject()
        json.endObject()
        return Self.json(200, json.text)
    }

    // MARK: Responses

    static func json(_ status: Int, _ body: String) -> Response {
        ProviderReply.json(status, body).response
    }

    static func detail(_ status: Int, _ text: String) -> Response {
        var json = JSONWriter()
        json.beginObject()
        json.field("detail", text)
        json.endObject()
        return Self.json(status, json.text)
    }
}
