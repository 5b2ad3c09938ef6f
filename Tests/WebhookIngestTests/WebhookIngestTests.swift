import AsyncHTTPClient
import Crypto
import Foundation
import GRDB
import Logging
import NIOCore
import Providers
import RedisStore
import SQLiteStore
import Testing
import WireModels

@testable import WebhookIngest

@Suite(.serialized) struct WebhookIngestTests {
    /// Injects a signed inbound webhook through the sandbox, exactly as the provider would send it.
    static func inject(_ harness: IngestHarness, provider: String, from: String, text: String, media: [String] = [])
        async throws
        -> (status: Int, body: String, providerMessageID: String)
    {
        let route = provider == "telnyx" ? "/webhooks/sms/telnyx" : "/webhooks/sms/\(provider)"
        let payload: [String: Any] = [
            "provider": provider, "from": from, "to": harness.numbers[provider]!, "text": text, "media_urls": media,
            "target_url": harness.baseURL + route,
        ]
        var request = HTTPClientRequest(url: harness.sandboxURL + "/sandbox/inbound")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: payload)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as! [String: Any]
        let answer = object["response"] as! [String: Any]
        return (answer["status"] as? Int ?? 0, answer["body"] as? String ?? "", object["message_id"] as! String)
    }

    @Test(arguments: ["twilio", "telnyx", "vonage"])
    func inboundMessageIsVerifiedNormalizedAndPublishedOnce(provider: String) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let media =
                provider == "vonage"
                ? ["https://example.com/cat.jpg"] : ["https://example.com/a.jpg", "https://example.com/b.png"]
            let (status, body, providerID) = try await Self.inject(
                harness, provider: provider, from: "+15551230000", text: "Hi 👋", media: media)
            #expect(status == 200)
            if provider == "twilio" { #expect(body.contains("<Response/>")) }
            let events = try await harness.waitForEvents(providerMessageID: providerID) { $0.count >= 2 }
            let received = try #require(events.first { $0.type == .received })
            #expect(received.organizationID == harness.organizationID)
            #expect(received.assistantID == harness.assistantID)
            #expect(received.from == "+15551230000")
            #expect(received.to == harness.numbers[provider])
            #expect(received.body == "Hi 👋")
            #expect(received.mediaURLs == media)
            #expect(received.direction == "inbound")
            #expect(received.rawPayload?.isEmpty == false)
            #expect(received.messageID != nil)
            #expect(events.contains { $0.type == .webhookReceived && $0.messageID == received.messageID })
        }
    }

    @Test func forgedSignaturesAreRefusedAndChangeNothing() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let before = try await harness.ownEvents().count
            let to = harness.numbers["twilio"]!
            let form =
                "MessageSid=SMforged&From=%2B15550001111&To=\(to.replacingOccurrences(of: "+", with: "%2B"))&Body=hi"
            let twilio = try await harness.post(
                "/webhooks/sms/twilio", body: form,
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("X-Twilio-Signature", "bm90LWEtc2lnbmF0dXJl"),
                ])
            #expect(twilio.0 == 403)
            let unsigned = try await harness.post(
                "/webhooks/sms/twilio", body: form, headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(unsigned.0 == 403)

            let telnyxBody = Self.telnyxInbound(
                id: "forged-telnyx", from: "+15550001111", to: harness.numbers["telnyx"]!)
            let otherKey = Curve25519.Signing.PrivateKey()
            let timestamp = String(Int(Date().timeIntervalSince1970))
            let forged = try otherKey.signature(for: Data("\(timestamp)|\(telnyxBody)".utf8)).base64EncodedString()
            let telnyx = try await harness.post(
                "/webhooks/sms/telnyx", body: telnyxBody,
                headers: [
                    ("Content-Type", "application/json"), ("telnyx-signature-ed25519", forged),
                    ("telnyx-timestamp", timestamp),
                ])
            #expect(telnyx.0 == 401)

            let vonageBody =
                #"{"message_uuid":"forged-vonage","to":"\#(harness.numbers["vonage"]!.dropFirst())","from":"15550001111","channel":"sms","message_type":"text","text":"hi","timestamp":"2026-01-01T00:00:00Z"}"#
            let vonage = try await harness.post(
                "/webhooks/sms/vonage", body: vonageBody,
                headers: [
                    ("Content-Type", "application/json"),
                    ("Authorization", "Bearer " + Self.vonageJWT(body: vonageBody, secret: "wrong")),
                ])
            #expect(vonage.0 == 401)
            #expect(vonage.1.contains("detail"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await harness.ownEvents().count == before, "a forged request published something")
        }
    }

    @Test func staleTelnyxTimestampIsRefusedEvenWithAValidSignature() async throws {
        let harness = try IngestHarness()
        let key = Curve25519.Signing.PrivateKey()
        try await harness.publishDirectory(telnyxPublicKey: key.publicKey.rawRepresentation.base64EncodedString())
        try await harness.run {
            let body = Self.telnyxInbound(
                id: "stale-\(UUID().uuidString)", from: "+15550002222", to: harness.numbers["telnyx"]!)
            func post(at date: Date) async throws -> Int {
                let timestamp = String(Int(date.timeIntervalSince1970))
                let signature = try key.signature(for: Data("\(timestamp)|\(body)".utf8)).base64EncodedString()
                return try await harness.post(
                    "/webhooks/sms/telnyx", body: body,
                    headers: [
                        ("Content-Type", "application/json"), ("telnyx-signature-ed25519", signature),
                        ("telnyx-timestamp", timestamp),
                    ]
                ).0
            }
            let stale = try await post(at: Date().addingTimeInterval(-600))
            let fresh = try await post(at: Date())
            #expect(stale == 401)
            #expect(fresh == 200)
        }
    }

    @Test func replayedAndDuplicatedWebhooksArePublishedOnce() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let params: FormParameters = [
                "MessageSid": sid, "From": "+15550003333", "To": harness.numbers["twilio"]!, "Body": "once",
                "NumMedia": "0",
            ]
            let signature = TwilioSignature.compute(
                url: harness.baseURL + "/webhooks/sms/twilio", params: params, authToken: harness.twilio.token)
            let body = FormParameters.encode(params.pairs)
            for _ in 0..<3 {
                let reply = try await harness.post(
                    "/webhooks/sms/twilio", body: body,
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)])
                #expect(reply.0 == 200)
            }
            let events = try await harness.waitForEvents(providerMessageID: sid) { $0.count >= 2 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await harness.events(providerMessageID: sid).filter { $0.type == .received }.count == 1)
            #expect(events.filter { $0.type == .webhookReceived }.count == 1)
        }
    }

    @Test func unknownNumberGets404AndIsArchived() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            let params: FormParameters = [
                "MessageSid": "SMunknown", "From": "+15550004444", "To": "+19999990000", "Body": "who?",
            ]
            let signature = TwilioSignature.compute(
                url: harness.baseURL + "/webhooks/sms/twilio", params: params, authToken: harness.twilio.token)
            let reply = try await harness.post(
                "/webhooks/sms/twilio", body: FormParameters.encode(params.pairs),
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)])
            #expect(reply.0 == 404)
            try await Task.sleep(for: .milliseconds(200))
        }
        let outcome = try sqliteScalar(
            harness.dataDirectory.appendingPathComponent("webhook-ingest.sqlite").path,
            "SELECT outcome FROM webhook_requests WHERE path = '/webhooks/sms/twilio' ORDER BY id DESC LIMIT 1")
        #expect(outcome == "unknown_number")
    }

    @Test func receiptsMoveDeliveryForwardOnlyAndAFailedReceiptFailsTheMessage() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        let messageID = UUID().uuidString.lowercased()
        let failedID = UUID().uuidString.lowercased()
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let failedSID = sid + "f"
        // What the sender records when the provider accepted the sends.
        for (id, providerID) in [(messageID, sid), (failedID, failedSID)] {
            _ = try await redis.command(
                "HSET", RedisKey.message(id), "status", "sent", "organization_id", String(harness.organizationID),
                "provider", "twilio")
            _ = try await redis.command(
                "SET", RedisKey.providerMessage(provider: "twilio", providerMessageID: providerID), id)
        }
        try await harness.run {
            func receipt(_ providerID: String, _ status: String, errorCode: String? = nil) async throws -> Int {
                var params: FormParameters = [
                    "MessageSid": providerID, "MessageStatus": status, "From": harness.numbers["twilio"]!,
                    "To": "+15550005555",
                    "AccountSid": harness.twilio.sid,
                ]
                if let errorCode { params.append("ErrorCode", errorCode) }
                let url = harness.baseURL + "/webhooks/status/twilio"
                let signature = TwilioSignature.compute(url: url, params: params, authToken: harness.twilio.token)
                return try await harness.post(
                    "/webhooks/status/twilio", body: FormParameters.encode(params.pairs),
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)]
                ).0
            }
            #expect(try await receipt(sid, "delivered") == 200)
            #expect(try await receipt(sid, "sent") == 200)  // late, out of order
            #expect(
                try await redis.command("HGET", RedisKey.message(messageID), "delivery_status").string == "delivered")
            #expect(try await redis.command("HGET", RedisKey.message(messageID), "status").string == "sent")
            let events = try await harness.waitForEvents(providerMessageID: sid) {
                $0.filter { $0.type != .webhookReceived }.count >= 2
            }
            let delivered = try #require(events.first { $0.type == .delivered })
            #expect(delivered.messageID == messageID)
            #expect(delivered.organizationID == harness.organizationID)
            #expect(delivered.providerStatus == "delivered")

            #expect(try await receipt(failedSID, "failed", errorCode: "30008") == 200)
            #expect(try await redis.command("HGET", RedisKey.message(failedID), "status").string == "failed")
            #expect(try await redis.command("HGET", RedisKey.message(failedID), "error_code").string == "30008")
        }
        await redis.shutdown()
    }

    @Test func aReceiptThatBeatsTheSendRecordIsKeptForTheSender() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await harness.run {
            let params: FormParameters = [
                "MessageSid": sid, "MessageStatus": "delivered", "From": harness.numbers["twilio"]!,
                "To": "+15550006666",
            ]
            let url = harness.baseURL + "/webhooks/status/twilio"
            let signature = TwilioSignature.compute(url: url, params: params, authToken: harness.twilio.token)
            let reply = try await harness.post(
                "/webhooks/status/twilio", body: FormParameters.encode(params.pairs),
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)])
            #expect(reply.0 == 200)
        }
        let stashed = try await redis.command(
            "HGET", RedisKey.earlyReceipt(provider: "twilio", providerMessageID: sid), "delivery_status")
        #expect(stashed.string == "delivered")
        let events = try await harness.events(providerMessageID: sid)
        #expect(events.contains { $0.type == .delivered && $0.organizationID == harness.organizationID })
        await redis.shutdown()
    }

    @Test(arguments: ["twilio", "telnyx", "vonage"])
    func statusCallbacksOfARealSendAreVerifiedAndApplied(provider: String) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        try await harness.run(callbackDelay: .milliseconds(300)) {
            let clients = ProviderClients(
                httpClient: HTTPClient.shared,
                baseURLs: [.twilio: harness.sandboxURL, .telnyx: harness.sandboxURL, .vonage: harness.sandboxURL])
            let credentials: ProviderCredentials =
                switch provider {
                case "twilio": .twilio(accountSID: harness.twilio.sid, authToken: harness.twilio.token)
                case "telnyx": .telnyx(apiKey: harness.telnyxKey, messagingProfileID: nil)
                default: .vonage(apiKey: harness.vonage.key, apiSecret: harness.vonage.secret)
                }
            let callback =
                harness.baseURL + (provider == "telnyx" ? "/webhooks/sms/telnyx" : "/webhooks/status/\(provider)")
            let messageID = UUID().uuidString.lowercased()
            let result = try await clients.client(for: credentials).send(
                ProviderSendRequest(
                    from: harness.numbers[provider]!, to: "+15551239876", body: "receipt please",
                    statusCallbackURL: callback,
                    clientReference: messageID))
            // What the sender records once the provider accepted the send.
            _ = try await redis.command(
                "HSET", RedisKey.message(messageID), "status", "sent", "organization_id",
                String(harness.organizationID), "provider", provider)
            _ = try await redis.command(
                "SET", RedisKey.providerMessage(provider: provider, providerMessageID: result.providerMessageID),
                messageID)
            let events = try await harness.waitForEvents(providerMessageID: result.providerMessageID) { events in
                events.contains { $0.type == .delivered }
            }
            #expect(events.contains { $0.type == .delivered && $0.messageID == messageID }, "\(events.map(\.type))")
            #expect(
                try await redis.command("HGET", RedisKey.message(messageID), "delivery_status").string == "delivered")
        }
        await redis.shutdown()
    }

    @Test func archivedRequestsArePrunedAfterTheirRetention() async throws {
        let harness = try IngestHarness(environment: ["WEBHOOK_ARCHIVE_RETENTION_DAYS": "7"])
        let database = try SQLiteStore.SQLiteDatabase(
            location: .file(harness.dataDirectory.appendingPathComponent("archive.sqlite").path),
            migrations: WebhookIngestMigrations.all, logger: Logger(label: "test"))
        let archive = RequestArchive(database: database, retentionDays: 7, logger: Logger(label: "test"))
        let now = Date()
        for age in [8.0, 6.0] {
            archive.record(
                ArchivedRequest(
                    receivedAt: now.addingTimeInterval(-age * 86_400).timeIntervalSince1970, provider: "twilio",
                    method: "POST",
                    path: "/webhooks/sms/twilio", query: nil, headers: "{}", body: Data("Body=\(age)".utf8),
                    outcome: "accepted",
                    statusCode: 200))
        }
        await archive.flush()
        await archive.prune(now: now)
        let kept = try await database.read { db in
            try Double.fetchAll(db, sql: "SELECT received_at FROM webhook_requests")
        }
        #expect(kept.count == 1, "the 8-day-old request is pruned, the 6-day-old one kept")
        #expect(kept.first.map { now.timeIntervalSince1970 - $0 < 7 * 86_400 } == true)
    }

    // MARK: Helpers

    static func telnyxInbound(id: String, from: String, to: String, text: String = "hello") -> String {
        #"{"data":{"event_type":"message.received","id":"\#(UUID().uuidString)","occurred_at":"2026-01-01T00:00:00.000+00:00","payload":{"id":"\#(id)","direction":"inbound","from":{"phone_number":"\#(from)"},"to":[{"phone_number":"\#(to)","status":"webhook_delivered"}],"text":"\#(text)","media":[],"type":"SMS"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"x"}}"#
    }

    static func vonageJWT(body: String, secret: String, issuedAt: Date = Date()) -> String {
        func base64URL(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let hash = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        let header = base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let claims = base64URL(
            Data(
                #"{"iat":\#(Int(issuedAt.timeIntervalSince1970)),"jti":"\#(UUID().uuidString)","iss":"Vonage","payload_hash":"\#(hash)"}"#
                    .utf8))
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data("\(header).\(claims)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "\(header).\(claims).\(base64URL(Data(signature)))"
    }
}

/// Reads one value from a SQLite file through a connection of its own.
func sqliteScalar(_ path: String, _ sql: String) throws -> String? {
    let queue = try GRDB.DatabaseQueue(path: path)
    return try queue.read { db in try String.fetchOne(db, sql: sql) }
}
