import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RedisStore
import ServiceRuntime
import WireModels

/// `POST /sms/send` (seed 002): validates, finds the sending number's owner in the directory,
/// and either queues the message in one Redis round trip or sends it at once through the sender.
///
/// Idempotency: the key comes from the `Idempotency-Key` header or the body (the header wins), is
/// at most 256 characters, is scoped to the organization and kept 24 h. The same request again
/// returns the first answer with the same `message_id`; the same key with a different request is
/// a 422. A duplicate that arrives while an immediate send with its key is still running waits
/// for it (up to `idempotencyWait`) and replays its answer, or gets 409 if it is still running.
///
/// A queued send costs one Redis round trip: the sending number comes from
/// `DirectoryCache` (shared with the sender and webhook-ingest) and the enqueue script checks that
/// the directory has not changed since,
/// counts the API key's rate limit, and queues. Concurrent sends share round trips through the
/// client's auto-pipelining.
package struct SendController: Sendable {
    let redis: RedisClient
    let numbers: DirectoryCache
    let rateLimiter: RateLimiter
    let httpClient: HTTPClient
    let senderURL: String
    let internalToken: String
    let settings: SendSettings

    /// Limits of the send path (from the gateway's configuration).
    package struct SendSettings: Sendable {
        /// `MESSAGE_VALIDITY_SECONDS`: a queued message not sent by then is failed (default 10 h).
        package var validity: Duration = .seconds(36_000)
        /// `MESSAGE_STATUS_TTL_SECONDS`: how long the status record is kept (default 7 days).
        package var statusTTL: Duration = .seconds(604_800)
        /// `EVENTS_MAXLEN`: approximate cap of `sms:events`.
        package var eventsMaxLength: Int = 1_000_000
        /// How long an idempotency record is kept.
        package var idempotencyTTL: Duration = .seconds(86_400)
        /// How long a duplicate waits for an in-flight immediate send with the same key.
        package var idempotencyWait: Duration = .seconds(10)
        /// How long an immediate send may take end to end.
        package var immediateTimeout: Duration = .seconds(30)
    }

    static let maxMessageLength = 1600
    static let maxKeyLength = 256
    static let maxMediaURLs = 10

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        // POST /sms/send
        group.post("send") { request, context in
            try await send(request, context: context)
        }
    }

    /// A validated send.
    struct ValidSend: Sendable {
        var from: String
        var to: String
        var message: String
        var mediaURLs: [String]
        var queue: Bool
        var idempotencyKey: String?
    }

    func send(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let send = try await Self.validate(request, context: context)
        var lookup = try await sendingNumber(send.from, organizationID: identity.organizationID)
        // Only a keyed send is ever compared with another one.
        let fingerprint =
            send.idempotencyKey == nil
            ? "" : IdempotencyRecord.fingerprint(from: send.from, to: send.to, message: send.message, mediaURLs: send.mediaURLs, queue: send.queue)
        var rateLimited: Int64?
        if case .apiKey(let keyID) = identity.method, rateLimiter.limitPerMinute > 0 { rateLimited = keyID }
        guard send.queue else {
            if let keyID = rateLimited, let retryAfter = await rateLimiter.check(keyID: keyID) {
                throw rateLimiter.exceeded(retryAfter: retryAfter)
            }
            let number = lookup.number!
            let envelope = makeEnvelope(send, number: number, now: Date())
            return try await sendNow(envelope, fingerprint: fingerprint, idempotencyKey: idempotencyKey(send, number), context: context)
        }
        // The directory changes rarely; a stale cache entry costs one more read and try.
        for attempt in 1...3 {
            let number = lookup.number!
            // One clock reading for the envelope's queued_at, the status hash and the rate window.
            let now = Date()
            let envelope = makeEnvelope(send, number: number, now: now)
            let outcome = try await enqueue(
                envelope, fingerprint: fingerprint, idempotencyKey: idempotencyKey(send, number),
                directoryVersion: attempt < 3 ? lookup.version : "-", rateLimitedKey: rateLimited, now: now)
            switch outcome {
            case .answer(let response): return response
            case .stale:
                numbers.forget(number: send.from, organizationID: nil)
                lookup = try await sendingNumber(send.from, organizationID: identity.organizationID, fresh: true)
            }
        }
        throw APIError.unavailable("the directory keeps changing; retry")
    }

    /// The directory entry of the sending number, checked against the caller: 404 when no
    /// assistant holds it, 403 when another organization does. Errors are decided on a fresh
    /// read, never on the cache.
    private func sendingNumber(_ from: String, organizationID: Int64, fresh: Bool = false) async throws -> DirectoryCache.Snapshot {
        if !fresh, let cached = numbers.cached(number: from, organizationID: nil), let entry = cached.number, entry.assistantID != nil,
            Int64(entry.organizationID) == organizationID
        {
            return cached
        }
        let lookup = try await numbers.read(number: from, organizationID: nil)
        guard let number = lookup.number, number.assistantID != nil else {
            throw APIError.notFound("No assistant found for phone number \(from)")
        }
        guard Int64(number.organizationID) == organizationID else {
            throw APIError.forbidden("Unauthorized: phone number belongs to different organization")
        }
        return lookup
    }

    private func idempotencyKey(_ send: ValidSend, _ number: DirectoryPhoneNumber) -> String? {
        send.idempotencyKey.map { RedisKey.idempotency(organizationID: number.organizationID, keyHash: SecretToken.sha256Hex($0)) }
    }

    private func makeEnvelope(_ send: ValidSend, number: DirectoryPhoneNumber, now date: Date) -> QueueEnvelope {
        let now = date.timeIntervalSince1970
        return QueueEnvelope(
            messageID: RandomUUID.string(), organizationID: number.organizationID, assistantID: number.assistantID!,
            provider: number.provider, from: send.from, to: send.to, body: send.message,
            mediaURLs: send.mediaURLs.isEmpty ? nil : send.mediaURLs, idempotencyKey: send.idempotencyKey,
            queuedAt: Timestamp.string(now), validUntil: Timestamp.string(now + Double(settings.validity.components.seconds)))
    }

    // MARK: Queued

    private enum EnqueueOutcome {
        case answer(Response)
        /// The directory changed since the sending number was read: nothing was done.
        case stale
    }

    private func enqueue(
        _ envelope: QueueEnvelope, fingerprint: String, idempotencyKey: String?, directoryVersion: String, rateLimitedKey: Int64?,
        now: Date
    ) async throws -> EnqueueOutcome {
        let provider = envelope.provider!
        let messageID = envelope.messageID!
        let response = SendSMSResponse(
            success: true, messageID: messageID, message: "SMS queued successfully via \(provider)", provider: provider, status: "queued")
        let record = IdempotencyRecord(state: .done, fingerprint: fingerprint, messageID: messageID, response: response)
        let segments = SegmentCounter.count(envelope.body)
        let event = MessageEvent(
            eventID: RandomUUID.string(), type: .queued, occurredAt: envelope.queuedAt!, messageID: messageID,
            organizationID: envelope.organizationID, assistantID: envelope.assistantID, direction: "outbound", provider: provider,
            from: envelope.from, to: envelope.to, body: envelope.body, mediaURLs: envelope.mediaURLs, segments: segments.segments,
            encoding: segments.encoding.rawValue, status: MessageStatus.queued.rawValue, idempotencyKey: envelope.idempotencyKey)
        let statusFields = MessageStatusFields.queued(envelope, at: now)
        let reply = try await redis.eval(
            SendScripts.enqueue,
            keys: [
                idempotencyKey ?? "sms:idem:none", RedisKey.message(messageID), RedisKey.queue(provider: provider), RedisKey.events,
                RedisKey.directoryVersion, rateLimitedKey.map { rateLimiter.windowKey(keyID: $0, now: now) } ?? "sb:ratelimit:none",
            ],
            arguments: [
                idempotencyKey == nil ? "0" : "1", idempotencyKey == nil ? "" : try record.json(),
                envelope.jsonText(), event.jsonText(), String(settings.statusTTL.components.seconds),
                String(settings.eventsMaxLength), String(settings.idempotencyTTL.components.seconds),
                directoryVersion, String(rateLimitedKey == nil ? 0 : rateLimiter.limitPerMinute), "70",
            ] + statusFields)
        guard let parts = reply.array, let outcome = parts.first?.string else {
            throw RedisError.unexpectedReply("enqueue script answered \(reply)")
        }
        switch outcome {
        case "stale":
            return .stale
        case "ratelimited":
            throw rateLimiter.exceeded(retryAfter: RateLimiter.retryAfter(now: now))
        case "duplicate":
            guard let json = parts.last?.string else { throw RedisError.unexpectedReply("enqueue script answered \(reply)") }
            return .answer(try await replay(try IdempotencyRecord.decode(json), fingerprint: fingerprint))
        default:
            return .answer(try jsonResponse(response))
        }
    }

    // MARK: Immediate

    private func sendNow(
        _ envelope: QueueEnvelope, fingerprint: String, idempotencyKey: String?, context: GatewayRequestContext
    ) async throws -> Response {
        if let idempotencyKey {
            let claim = IdempotencyRecord(state: .inProgress, fingerprint: fingerprint, messageID: envelope.messageID!, response: nil)
            // SET NX GET: take the key, or learn who holds it, in one round trip. The short TTL frees
            // the key if this gateway dies mid-send.
            let holdFor = settings.immediateTimeout + .seconds(30)
            let previous = try await redis.command(
                "SET", idempotencyKey, try claim.json(), "NX", "GET", "EX", String(holdFor.components.seconds))
            if let json = previous.string {
                return try await replay(try IdempotencyRecord.decode(json), fingerprint: fingerprint, key: idempotencyKey)
            }
        }
        var outbound = HTTPClientRequest(url: senderURL + "/internal/send")
        outbound.method = .POST
        outbound.headers.add(name: "Content-Type", value: "application/json")
        outbound.headers.add(name: InternalHeaders.token, value: internalToken)
        outbound.headers.add(name: InternalHeaders.requestID, value: context.id)
        outbound.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(envelope)))
        let provider = envelope.provider!
        let answer: (status: Int, body: ByteBuffer)
        do {
            let response = try await httpClient.execute(outbound, timeout: .init(settings.immediateTimeout))
            answer = (Int(response.status.code), try await response.body.collect(upTo: 1 << 20))
        } catch {
            // Unknown whether the provider got it: keep the key held so a retry cannot double-send.
            context.logger.warning("sender unavailable for immediate send", metadata: ["sb.error": "\(error)"])
            throw APIError.unavailable("sender is unavailable")
        }
        guard answer.status == 200, let sent = try? JSONDecoder().decode(SendSMSResponse.self, from: Data(buffer: answer.body)) else {
            // The sender answers only once the provider call ended: nothing was sent, so a retry may send.
            if let idempotencyKey { _ = try? await redis.command("DEL", idempotencyKey) }
            throw APIError(.internalServerError, "Failed to send SMS via \(provider)")
        }
        if let idempotencyKey {
            let record = IdempotencyRecord(state: .done, fingerprint: fingerprint, messageID: sent.messageID, response: sent)
            _ = try await redis.command("SET", idempotencyKey, try record.json(), "EX", String(settings.idempotencyTTL.components.seconds))
        }
        return try jsonResponse(sent)
    }

    // MARK: Replays

    /// Answers a request whose key was seen before: the first answer, a 422 for a different
    /// request, or (for an immediate send still running) the answer once it is there.
    private func replay(_ record: IdempotencyRecord, fingerprint: String, key: String? = nil) async throws -> Response {
        guard record.fingerprint == fingerprint else {
            throw APIError.unprocessable("Idempotency key was already used with a different request")
        }
        if record.state == .done, let response = record.response { return try jsonResponse(response) }
        guard let key else { throw APIError.conflict("A request with this idempotency key is still in progress") }
        let deadline = ContinuousClock.now + settings.idempotencyWait
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            guard let json = try await redis.command("GET", key).string else {
                // The first request failed without sending; this one may try again.
                throw APIError.conflict("The first request with this idempotency key failed; retry it")
            }
            let current = try IdempotencyRecord.decode(json)
            if current.state == .done, let response = current.response { return try jsonResponse(response) }
        }
        throw APIError.conflict("A request with this idempotency key is still in progress")
    }

    // MARK: Validation

    /// Checks a send as seed 002 describes, with its wording; every failure is a 400.
    static func validate(_ request: Request, context: GatewayRequestContext) async throws -> ValidSend {
        let buffer = try await request.body.collect(upTo: 256 * 1024)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("Request body is required") }
        let body: SendSMSRequest
        do {
            body = try JSONDecoder().decode(SendSMSRequest.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.badRequest(Request.describeForSend(error))
        }
        guard let from = body.fromPhoneNumber else { throw APIError.badRequest("Missing required field: from_phone_number") }
        guard let to = body.toPhoneNumber else { throw APIError.badRequest("Missing required field: to_phone_number") }
        guard let message = body.message else { throw APIError.badRequest("Missing required field: message") }
        guard PhoneNumberFormat.isE164(from) else {
            throw APIError.badRequest("Invalid from_phone_number format. Use E.164 format (e.g., +1234567890)")
        }
        guard PhoneNumberFormat.isE164(to) else {
            throw APIError.badRequest("Invalid to_phone_number format. Use E.164 format (e.g., +1234567890)")
        }
        guard message.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw APIError.badRequest("Message content cannot be empty")
        }
        // Characters as the hosted product counts them: Unicode code points.
        guard message.unicodeScalars.count <= maxMessageLength else {
            throw APIError.badRequest("Message exceeds maximum length of \(maxMessageLength) characters")
        }
        let media = body.mediaURLs ?? []
        guard media.count <= maxMediaURLs else { throw APIError.badRequest("At most \(maxMediaURLs) media_urls are allowed") }
        for url in media {
            guard url.count <= 2048, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                parsed.host != nil
            else { throw APIError.badRequest("Invalid media URL: media_urls must be http or https URLs") }
        }
        let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? body.idempotencyKey
        if let key {
            guard !key.isEmpty else { throw APIError.badRequest("Idempotency key must not be empty") }
            guard key.count <= maxKeyLength else {
                throw APIError.badRequest("Idempotency key exceeds maximum length of \(maxKeyLength) characters")
            }
        }
        return ValidSend(from: from, to: to, message: message, mediaURLs: media, queue: body.queue ?? true, idempotencyKey: key)
    }
}

extension Request {
    /// A decoding error of a send, worded for a 400.
    static func describeForSend(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty: "Request body is not valid JSON"
        default: "Invalid request body: " + describe(error)
        }
    }
}

