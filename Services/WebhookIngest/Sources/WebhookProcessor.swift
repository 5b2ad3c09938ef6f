import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Providers
import RedisStore
import ServiceRuntime
import WireModels

/// Verifies, normalizes, deduplicates and publishes one provider webhook request.
///
/// The organization is found from the number involved (inbound: the number texted; receipts: the
/// number that sent), through the directory in Redis, kept in memory by `DirectoryCache`;
/// its credentials check the signature. A request that fails the check, names an unknown number
/// or is malformed changes nothing and is only archived; those answers are always decided on a
/// fresh directory read. A request whose number is cached costs one Redis round trip: the script
/// that publishes it, which also confirms the cached owner is current. Everything slow is left
/// to the consumers of `sms:events`.
struct WebhookProcessor: Sendable {
    /// Which route a request came in on.
    enum Route: String, Sendable {
        case twilioInbound, twilioStatus, telnyx, vonageInbound, vonageStatus

        var provider: String {
            switch self {
            case .twilioInbound, .twilioStatus: "twilio"
            case .telnyx: "telnyx"
            case .vonageInbound, .vonageStatus: "vonage"
            }
        }
    }

    let redis: RedisClient
    let owners: DirectoryCache
    let archive: RequestArchive
    let configuration: WebhookIngestConfiguration
    let logger: Logger

    static let twilioEmptyResponse = #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#

    /// Publishing attempts when the directory changes under a request; the last one is made
    /// without the version check, with the owner just read.
    static let publishAttempts = 3

    func handle(_ request: Request, route: Route, context: some RequestContext) async throws -> Response {
        let receivedAt = Date()
        let body = try await request.body.collect(upTo: 1 << 20)
        let bodyData = Data(buffer: body)
        var archived = ArchivedRequest(
            receivedAt: receivedAt.timeIntervalSince1970, provider: route.provider, method: request.method.rawValue,
            path: request.uri.path, query: request.uri.query, headers: Self.headersJSON(request.headers),
            body: bodyData,
            outcome: "accepted", statusCode: 200)
        do {
            let (outcome, organizationID, providerMessageID) = try await process(
                request, route: route, body: bodyData, receivedAt: receivedAt)
            archived.outcome = outcome
            archived.organizationID = organizationID
            archived.providerMessageID = providerMessageID
            archive.record(archived)
            return reply(route: route)
        } catch let rejection as WebhookRejection {
            let status: HTTPResponse.Status =
                switch rejection {
                case .signature: route.provider == "twilio" ? .forbidden : .unauthorized
                case .unknownNumber: .notFound
                case .malformed: .badRequest
                }
            archived.outcome = rejection.outcome
            archived.statusCode = status.code
            archived.detail = rejection.detail
            archive.record(archived)
            logger.notice(
                "webhook rejected",
                metadata: [
                    "sb.provider": "\(route.provider)", "sb.outcome": "\(rejection.outcome)",
                    "sb.detail": "\(rejection.detail)",
                ])
            throw APIError(status, rejection.detail)
        }
    }

    // MARK: Processing

    /// How a request proves it came from the provider, checked once the owner is known.
    enum SignatureCheck: Sendable {
        case twilio(signature: String, url: String, params: FormParameters, body: Data, isJSON: Bool)
        case telnyx(signature: String, timestamp: String, body: Data)
        case vonageJWT(authorization: String, body: Data)
        case vonageSig(params: FormParameters, method: VonageSignature.Method)
    }

    /// A parsed request: what it says, which of our numbers it concerns, how to verify it.
    struct ParsedRequest: Sendable {
        var event: ParsedWebhookEvent
        var ourNumber: String?
        var check: SignatureCheck
    }

    /// Returns the archive outcome, the organization and the provider message id.
    private func process(
        _ request: Request, route: Route, body: Data, receivedAt: Date
    ) async throws -> (String, Int?, String?) {
        let parsed: ParsedRequest
        do {
            parsed = try Self.parse(
                request, route: route, body: body, receivedAt: receivedAt, publicURL: configuration.webhookPublicURL,
                vonageMethod: VonageSignature.Method(rawValue: configuration.vonageSignatureMethod) ?? .md5hash)
        } catch {
            throw WebhookRejection.malformed("\(error)")
        }
        switch parsed.event {
        case .ignored(let eventType):
            // Still verify: an unsigned request must not even be acknowledged as ours. Nothing is
            // published, so no script could confirm a cached owner: read it fresh.
            if let number = parsed.ourNumber {
                let owner = try await verifiedOwner(of: number, check: parsed.check, fresh: true)
                return ("ignored:\(eventType)", owner.entry.organizationID, nil)
            }
            return ("ignored:\(eventType)", nil, nil)
        case .inbound(let message):
            let (outcome, owner) = try await publishVerified(number: message.to, check: parsed.check) {
                owner, version in
                try await publishInbound(message, entry: owner.entry, route: route, directoryVersion: version)
            }
            return (outcome, owner.entry.organizationID, message.providerMessageID)
        case .delivery(let update):
            guard let number = parsed.ourNumber else {
                throw WebhookRejection.malformed("the receipt names no sending number")
            }
            guard update.status != nil else {
                // A provider step we do not track (queued, accepted, sending): verified on a
                // fresh read, as for ignored events, then archived only.
                let owner = try await verifiedOwner(of: number, check: parsed.check, fresh: true)
                return ("ignored:\(update.providerStatus)", owner.entry.organizationID, update.providerMessageID)
            }
            let (outcome, owner) = try await publishVerified(number: number, check: parsed.check) { owner, version in
                try await publishReceipt(update, entry: owner.entry, route: route, directoryVersion: version)
            }
            return (outcome, owner.entry.organizationID, update.providerMessageID)
        }
    }

    /// Who owns one of our numbers, as of one directory version.
    struct Owner: Sendable {
        var entry: DirectoryPhoneNumber
        /// The organization's credentials; nil when its entry is missing (every check then fails).
        var credentials: OrganizationCredentials?
        /// The value of `sb:dir:version` the owner was read at.
        var version: String

        /// The owner in a directory snapshot; nil when no organization holds the number.
        init?(_ snapshot: DirectoryCache.Snapshot?) {
            guard let snapshot, let entry = snapshot.number else { return nil }
            self.entry = entry
            self.credentials = snapshot.credentials
            self.version = snapshot.version
        }
    }

    /// Verifies a request against the owner of `number` and publishes it with `publish`, which
    /// is given the owner and the directory version to check (nil from `publish`: the directory
    /// changed, nothing was done). Then the owner is read again, the request verified again with
    /// it (so a rotated credential or a removed number takes effect at once) and published again.
    private func publishVerified(
        number: String, check: SignatureCheck,
        _ publish: (Owner, _ directoryVersion: String) async throws -> String?
    ) async throws -> (String, Owner) {
        var owner = try await verifiedOwner(of: number, check: check)
        for _ in 1..<Self.publishAttempts {
            if let outcome = try await publish(owner, owner.version) { return (outcome, owner) }
            owners.forget(number: Self.e164(number), organizationID: nil)
            owner = try await verifiedOwner(of: number, check: check, fresh: true)
        }
        // The directory keeps changing: publish with the owner just read, unchecked.
        guard let outcome = try await publish(owner, "-") else {
            throw RedisError.unexpectedReply("a publishing script answered stale without a version check")
        }
        return (outcome, owner)
    }

    /// The owner of `number`, whose credentials verify `check`. An unknown number (404) or a
    /// failed check is only ever decided on a fresh read: a cached owner that fails is read again.
    private func verifiedOwner(of number: String, check: SignatureCheck, fresh: Bool = false) async throws
        -> Owner
    {
        let key = Self.e164(number)
        if !fresh, let cached = Owner(owners.cached(number: key, organizationID: nil)) {
            do {
                try verify(check, credentials: cached.credentials)
                return cached
            } catch is WebhookRejection {
                owners.forget(number: key, organizationID: nil)
            }
        }
        guard let owner = Owner(try await owners.read(number: key, organizationID: nil)) else {
            throw WebhookRejection.unknownNumber("No organization holds phone number \(number)")
        }
        try verify(check, credentials: owner.credentials)
        return owner
    }

    /// Reads a request in its provider's format.
    static func parse(
        _ request: Request, route: Route, body: Data, receivedAt: Date, publicURL: String,
        vonageMethod: VonageSignature.Method
    ) throws -> ParsedRequest {
        switch route {
        case .twilioInbound, .twilioStatus:
            // A JSON body (the `bodySHA256` variant) carries the same keys as the usual form.
            let isJSON = request.headers[.contentType]?.contains("json") == true
            let params = isJSON ? try TwilioWebhook.parameters(json: body) : try FormParameters(formEncoded: body)
            let check = SignatureCheck.twilio(
                signature: request.headers[HTTPField.Name("X-Twilio-Signature")!] ?? "",
                url: publicURL + request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""), params: params,
                body: body, isJSON: isJSON)
            if route == .twilioInbound {
                return ParsedRequest(
                    event: .inbound(try TwilioWebhook.inboundMessage(from: params, receivedAt: receivedAt)),
                    check: check)
            }
            return ParsedRequest(
                event: .delivery(try TwilioWebhook.deliveryUpdate(from: params, receivedAt: receivedAt)),
                ourNumber: params["From"],
                check: check)
        case .telnyx:
            let check = SignatureCheck.telnyx(
                signature: request.headers[HTTPField.Name(TelnyxSignature.signatureHeader)!] ?? "",
                timestamp: request.headers[HTTPField.Name(TelnyxSignature.timestampHeader)!] ?? "", body: body)
            return ParsedRequest(
                event: try TelnyxWebhook.parse(body, receivedAt: receivedAt), ourNumber: telnyxSender(body),
                check: check)
        case .vonageInbound, .vonageStatus:
            if let authorization = request.headers[.authorization] {
                // Messages API: JSON signed with a JWT.
                return ParsedRequest(
                    event: try VonageMessagesWebhook.parse(body, receivedAt: receivedAt),
                    ourNumber: jsonString(body, key: "from").map(e164),
                    check: .vonageJWT(authorization: authorization, body: body))
            }
            // SMS API: query (GET), form or JSON body, signed with `sig`.
            let params: FormParameters
            if request.method == .get {
                params = try FormParameters(formEncoded: request.uri.query ?? "")
            } else if request.headers[.contentType]?.contains("json") == true {
                params = try VonageSMSWebhook.parameters(json: body)
            } else {
                params = try FormParameters(formEncoded: body)
            }
            let check = SignatureCheck.vonageSig(params: params, method: vonageMethod)
            if route == .vonageInbound {
                return ParsedRequest(
                    event: .inbound(try VonageSMSWebhook.inboundMessage(from: params, receivedAt: receivedAt)),
                    check: check)
            }
            return ParsedRequest(
                event: .delivery(try VonageSMSWebhook.deliveryUpdate(from: params, receivedAt: receivedAt)),
                ourNumber: params["to"].map(e164), check: check)
        }
    }

    /// Checks a signature with the owning organization's credentials; a missing credential fails.
    func verify(_ check: SignatureCheck, credentials: OrganizationCredentials?) throws {
        let credentials = credentials ?? OrganizationCredentials()
        switch check {
        case .twilio(let signature, let url, let params, let body, let isJSON):
            guard let token = credentials.twilioAuthToken else {
                throw WebhookRejection.signature("Twilio credentials are not configured")
            }
            let valid =
                isJSON
                ? TwilioSignature.validate(signature: signature, url: url, jsonBody: body, authToken: token)
                : TwilioSignature.validate(signature: signature, url: url, params: params, authToken: token)
            guard valid else { throw WebhookRejection.signature("Invalid X-Twilio-Signature") }
        case .telnyx(let signature, let timestamp, let body):
            guard let key = credentials.telnyxPublicKey else {
                throw WebhookRejection.signature("Telnyx public key is not configured")
            }
            do {
                try TelnyxSignature.verify(
                    body: body, signature: signature, timestamp: timestamp, publicKey: key,
                    tolerance: configuration.telnyxTolerance)
            } catch {
                throw WebhookRejection.signature("Invalid Telnyx signature: \(error)")
            }
        case .vonageJWT(let authorization, let body):
            guard let secret = credentials.vonageSignatureSecret else {
                throw WebhookRejection.signature("Vonage signature secret is not configured")
            }
            do {
                try VonageWebhookToken.verify(authorization: authorization, body: body, signatureSecret: secret)
            } catch {
                throw WebhookRejection.signature("Invalid Vonage JWT: \(error)")
            }
        case .vonageSig(let params, let method):
            guard let secret = credentials.vonageSignatureSecret else {
                throw WebhookRejection.signature("Vonage signature secret is not configured")
            }
            do {
                try VonageSignature.verify(params: params, secret: secret, method: method)
            } catch {
                throw WebhookRejection.signature("Invalid Vonage sig: \(error)")
            }
        }
    }

    // MARK: Publishing

    /// Publishes an inbound message once; one part of a longer SMS is held until every part is in.
    /// Returns the archive outcome, or nil when the directory changed since `directoryVersion`.
    private func publishInbound(
        _ message: InboundMessage, entry: DirectoryPhoneNumber, route: Route, directoryVersion: String
    ) async throws -> String? {
        if let part = message.part {
            return try await holdPart(
                message, part: part, entry: entry, route: route, directoryVersion: directoryVersion)
        }
        return try await publishWhole(message, entry: entry, route: route, directoryVersion: directoryVersion)
    }

    /// Publishes `message.received` and its audit event unless the provider id was seen already.
    /// `parts` counts the webhooks a reassembled message came in; `heldPartsKey` is their hash, deleted.
    /// Returns nil, doing nothing, when the directory changed since `directoryVersion` ("-": unchecked).
    func publishWhole(
        _ message: InboundMessage, entry: DirectoryPhoneNumber, route: Route, directoryVersion: String, parts: Int = 1,
        heldPartsKey: String? = nil
    ) async throws -> String? {
        let now = Timestamp.string(Date().timeIntervalSince1970)
        let messageID = UUID().uuidString.lowercased()
        let segments = SegmentCounter.count(message.body)
        let event = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .received,
            occurredAt: Timestamp.string(message.receivedAt.timeIntervalSince1970),
            messageID: messageID, organizationID: entry.organizationID, assistantID: entry.assistantID,
            direction: "inbound",
            provider: route.provider, from: Self.e164(message.from), to: Self.e164(message.to), body: message.body,
            mediaURLs: message.mediaURLs, segments: segments.segments, encoding: segments.encoding.rawValue,
            providerMessageID: message.providerMessageID, status: "received", rawPayload: message.raw)
        let audit = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .webhookReceived, occurredAt: now, messageID: messageID,
            organizationID: entry.organizationID, assistantID: entry.assistantID, direction: "inbound",
            provider: route.provider,
            from: Self.e164(message.from), to: Self.e164(message.to), body: nil, mediaURLs: nil,
            providerMessageID: message.providerMessageID, level: "info",
            summary: parts > 1 ? "Inbound SMS webhook received (\(parts) parts)" : "Inbound SMS webhook received",
            eventData: ["provider": route.provider, "route": route.rawValue].merging(
                parts > 1 ? ["parts": String(parts)] : [:]
            ) { $1 })
        let reply = try await redis.eval(
            IngestScripts.inbound,
            keys: [
                RedisKey.webhookSeen(
                    provider: route.provider, providerMessageID: message.providerMessageID, event: "received"),
                RedisKey.events, RedisKey.directoryVersion,
            ] + (heldPartsKey.map { [$0] } ?? []),
            arguments: [
                String(configuration.dedupeWindow.components.seconds), String(configuration.eventsMaxLength),
                event.jsonText(), audit.jsonText(), directoryVersion,
            ])
        switch reply.string {
        case "stale": return nil
        case "duplicate": return "duplicate"
        default: return "accepted"
        }
    }

    /// Applies and publishes a delivery receipt (one with a status we track). Returns nil, doing
    /// nothing, when the directory changed since `directoryVersion` ("-": unchecked).
    private func publishReceipt(
        _ update: DeliveryUpdate, entry: DirectoryPhoneNumber, route: Route, directoryVersion: String
    ) async throws -> String? {
        guard let status = update.status else {
            // A provider step we do not track (queued, accepted, sending): archive it only.
            return "ignored:\(update.providerStatus)"
        }
        let now = Timestamp.string(Date().timeIntervalSince1970)
        let type: MessageEventType =
            switch status {
            case .sent: .sent
            case .delivered: .delivered
            case .undelivered: .undelivered
            case .failed: .failed
            }
        let event = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: type,
            occurredAt: Timestamp.string(update.occurredAt.timeIntervalSince1970),
            messageID: update.clientReference, organizationID: entry.organizationID, assistantID: entry.assistantID,
            direction: "outbound", provider: route.provider, from: entry.phoneNumber, to: nil, body: nil,
            mediaURLs: nil,
            providerMessageID: update.providerMessageID, status: status.rawValue, providerStatus: update.providerStatus,
            errorCode: update.errorCode, errorMessage: update.errorMessage, rawPayload: update.raw)
        let audit = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .webhookReceived, occurredAt: now,
            messageID: update.clientReference,
            organizationID: entry.organizationID, assistantID: entry.assistantID, direction: "outbound",
            provider: route.provider,
            from: entry.phoneNumber, to: nil, body: nil, mediaURLs: nil, providerMessageID: update.providerMessageID,
            status: status.rawValue, providerStatus: update.providerStatus,
            level: status == .sent || status == .delivered ? "info" : "warning",
            summary: "Delivery status webhook received: \(update.providerStatus)",
            eventData: ["provider": route.provider, "route": route.rawValue, "provider_status": update.providerStatus])
        let reply = try await redis.eval(
            IngestScripts.receipt,
            keys: [
                RedisKey.webhookSeen(
                    provider: route.provider, providerMessageID: update.providerMessageID,
                    event: update.providerStatus + ":" + (update.errorCode ?? "")),
                RedisKey.events,
                RedisKey.providerMessage(provider: route.provider, providerMessageID: update.providerMessageID),
                RedisKey.earlyReceipt(provider: route.provider, providerMessageID: update.providerMessageID),
                RedisKey.directoryVersion,
            ],
            arguments: [
                String(configuration.dedupeWindow.components.seconds), String(configuration.eventsMaxLength),
                status.rawValue,
                String(status.rank), update.errorCode ?? "", update.errorMessage ?? "", now,
                event.jsonText(), audit.jsonText(),
                String(configuration.dedupeWindow.components.seconds), directoryVersion,
            ])
        switch reply.array?.first?.string {
        case "stale": return nil
        case "duplicate": return "duplicate"
        default: return "accepted"
        }
    }

    // MARK: Helpers

    private func reply(route: Route) -> Response {
        if route.provider == "twilio" {
            return Response(
                status: .ok, headers: [.contentType: "text/xml"],
                body: .init(byteBuffer: ByteBuffer(string: Self.twilioEmptyResponse)))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
    }

    /// `+` and digits, as the directory keys numbers (Vonage sends digits only).
    static func e164(_ number: String) -> String {
        number.hasPrefix("+") ? number : "+" + number
    }

    /// The sending number of a Telnyx event: `data.payload.from.phone_number`.
    static func telnyxSender(_ body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let data = object["data"] as? [String: Any], let payload = data["payload"] as? [String: Any],
            let from = payload["from"] as? [String: Any]
        else { return nil }
        return from["phone_number"] as? String
    }

    static func jsonString(_ body: Data, key: String) -> String? {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?[key] as? String
    }

    /// Request headers as a JSON object for the archive (repeated names joined with ", ").
    static func headersJSON(_ headers: HTTPFields) -> String {
        var object: [String: String] = [:]
        for field in headers {
            let name = field.name.canonicalName
            object[name] = object[name].map { $0 + ", " + field.value } ?? field.value
        }
        return JSONText.object(object.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }
}
