import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ProviderSandboxKit
import RedisStore
import ServiceRuntime
import TestSupport
import Testing
import WireModels

@testable import Sender

/// Every sender suite nests in this one, so they all run one after another: they share Redis
/// database 8, and stream and group names are global within it.
@Suite(.serialized) enum SenderTests {}

/// Sandbox credentials, one account per provider.
enum TestAccounts {
    static let twilioSID = "AC0123456789abcdef0123456789abcdef"
    static let twilioToken = "twilio-auth-token-0123"
    /// A second Twilio account, for credentials rotated through the directory.
    static let twilioSID2 = "AC00000000000000000000000000000002"
    static let twilioToken2 = "twilio-auth-token-0002"
    static let telnyxKey = "KEY0123456789ABCDEF_test"
    static let telnyxProfile = "40017f8e-0000-4000-8000-000000000001"
    static let vonageKey = "abcd1234"
    static let vonageSecret = "vonage-api-secret"
    static let vonageSignatureSecret = "example-signature-secret-0123456789"

    static let sandbox: [SandboxAccount] = [
        .twilio(accountSID: twilioSID, authToken: twilioToken),
        .twilio(accountSID: twilioSID2, authToken: twilioToken2),
        .telnyx(apiKey: telnyxKey, messagingProfileID: telnyxProfile),
        .vonage(apiKey: vonageKey, apiSecret: vonageSecret, signatureSecret: vonageSignatureSecret),
    ]

    static let all = OrganizationCredentials(
        twilioAccountSID: twilioSID, twilioAuthToken: twilioToken, telnyxAPIKey: telnyxKey,
        telnyxMessagingProfileID: telnyxProfile, vonageAPIKey: vonageKey, vonageAPISecret: vonageSecret,
        vonageSignatureSecret: vonageSignatureSecret)
}

/// A running sender (live HTTP, all its services) against a live in-process provider sandbox and
/// Redis database 8, flushed first.
struct SenderHarness: Sendable {
    static let redisDatabase = 8
    static let internalToken = "internal-test-token"
    static let webhookPublicURL = "http://127.0.0.1:9"

    let client: any TestClientProtocol
    let sandbox: SandboxState
    let redis: RedisClient
    let secrets: SecretBox
    let configuration: SenderConfiguration

    /// Runs `body` against a fresh sender. `environment` overrides the test defaults (pacing is
    /// lifted unless a test sets it; backoff is short).
    static func run(environment extra: [String: String] = [:], _ body: @Sendable (SenderHarness) async throws -> Void) async throws {
        let redis = try Self.redisClient()
        _ = try await redis.command("FLUSHDB")
        let sandboxConfiguration = SandboxConfiguration(
            port: 0, callbacksEnabled: false, accounts: TestAccounts.sandbox, hangDuration: .milliseconds(300),
            logLevel: .warning)
        let sandbox = SandboxState(configuration: sandboxConfiguration)
        let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-sender-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        do {
            try await buildSandboxApplication(configuration: sandboxConfiguration, state: sandbox).test(.live) { sandboxClient in
                let sandboxURL = "http://127.0.0.1:\(try #require(sandboxClient.port))"
                var environment = [
                    "REDIS_URL": try Self.redisURL(), "DATA_DIR": dataDirectory.path, "INTERNAL_TOKEN": internalToken,
                    "SECRETS_KEY": Data(key).base64EncodedString(), "HTTP_PORT": "0", "LOG_LEVEL": "warning",
                    "TWILIO_API_BASE": sandboxURL, "TELNYX_API_BASE": sandboxURL, "VONAGE_API_BASE": sandboxURL,
                    "WEBHOOK_PUBLIC_URL": webhookPublicURL, "SEND_BACKOFF_BASE_MS": "20", "SEND_BACKOFF_MAX_MS": "200",
                    "SENDER_CONSUMER_NAME": "test-sender", "PROVIDER_TIMEOUT_SECONDS": "5",
                ]
                for provider in RedisKey.providers {
                    environment["\(provider.uppercased())_RATE_PER_NUMBER"] = "0"
                    environment["\(provider.uppercased())_RATE_PER_ACCOUNT"] = "0"
                }
                environment.merge(extra) { $1 }
                let configuration = try SenderConfiguration(environment: EnvironmentReader(environment))
                var logger = Logger(label: "switchboard.sender")
                logger.logLevel = .warning
                let app = try buildApplication(configuration: configuration, logger: logger)
                try await app.test(.live) { client in
                    try await body(
                        SenderHarness(
                            client: client, sandbox: sandbox, redis: redis, secrets: SecretBox(key: key),
                            configuration: configuration))
                }
            }
        } catch {
            await redis.shutdown()
            throw error
        }
        await redis.shutdown()
    }

    static func redisURL() throws -> String {
        var redis = try RedisConfiguration(url: try TestEnvironment.redisURL())
        redis.database = redisDatabase
        return "redis://\(redis.host):\(redis.port)/\(redisDatabase)"
    }

    static func redisClient() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: try redisURL()), logger: Logger(label: "test.redis"))
    }

    // MARK: Directory

    /// Publishes an organization with `credentials` and a number per provider it is given, as the gateway would.
    func addOrganization(_ credentials: OrganizationCredentials = TestAccounts.all) async throws -> Int {
        let id = Int.random(in: 1000...999_999)
        let organization = DirectoryOrganization(
            organizationID: id, name: "Org \(id)", sealedCredentials: try secrets.sealJSON(credentials))
        _ = try await redis.command("SET", RedisKey.directoryOrganization(id), try Self.json(organization))
        return id
    }

    /// Registers `number` to `organizationID` with `provider`, assigned to assistant 7.
    func addNumber(_ number: String, organizationID: Int, provider: String, assistantID: Int? = 7) async throws {
        let entry = DirectoryPhoneNumber(
            phoneNumber: number, phoneNumberID: Int.random(in: 1...999_999), organizationID: organizationID, provider: provider,
            assistantID: assistantID, smsWebhookURL: nil, assistantActive: true)
        _ = try await redis.command("SET", RedisKey.directoryNumber(number), try Self.json(entry))
    }

    /// Republishes organization `id` with `credentials` and bumps `sb:dir:version`, in one
    /// MULTI/EXEC, as the gateway's DirectoryPublisher does after a change.
    func rotateCredentials(organizationID id: Int, to credentials: OrganizationCredentials) async throws {
        let organization = DirectoryOrganization(
            organizationID: id, name: "Org \(id)", sealedCredentials: try secrets.sealJSON(credentials))
        try await publish([["SET", RedisKey.directoryOrganization(id), try Self.json(organization)]])
    }

    /// Deletes `number` from the directory and bumps `sb:dir:version`, as the gateway does.
    func removeNumber(_ number: String) async throws {
        try await publish([["DEL", RedisKey.directoryNumber(number)]])
    }

    private func publish(_ changes: [[String]]) async throws {
        let replies = try await redis.pipeline([["MULTI"]] + changes + [["INCR", RedisKey.directoryVersion], ["EXEC"]])
        #expect(replies.allSatisfy { $0.errorMessage == nil })
    }

    /// A fresh organization with one number of `provider`; returns both.
    func addSender(provider: String = "twilio", credentials: OrganizationCredentials = TestAccounts.all) async throws -> (
        organizationID: Int, number: String
    ) {
        let organizationID = try await addOrganization(credentials)
        let number = Self.randomNumber()
        try await addNumber(number, organizationID: organizationID, provider: provider)
        return (organizationID, number)
    }

    static func randomNumber() -> String { "+1202" + String(Int.random(in: 1_000_000...9_999_999)) }

    // MARK: Queue

    /// Queues a message as the gateway does: status hash, queue entry and `message.queued` event.
    @discardableResult
    func enqueue(
        from: String, to: String, body: String = "Hello from the tests", organizationID: Int, provider: String = "twilio",
        validFor: Double = 3600, addToStream: Bool = true
    ) async throws -> QueueEnvelope {
        let messageID = UUID().uuidString.lowercased()
        let now = Date().timeIntervalSince1970
        let envelope = QueueEnvelope(
            messageID: messageID, organizationID: organizationID, assistantID: 7, provider: provider, from: from, to: to,
            body: body, mediaURLs: nil, idempotencyKey: nil, queuedAt: Timestamp.string(now),
            validUntil: Timestamp.string(now + validFor))
        let timestamp = Timestamp.string(now)
        let event = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .queued, occurredAt: timestamp, messageID: messageID,
            organizationID: organizationID, assistantID: 7, direction: "outbound", provider: provider, from: from, to: to,
            body: body, mediaURLs: nil, status: "queued")
        var commands: [[String]] = [
            [
                "HSET", RedisKey.message(messageID), "status", "queued", "organization_id", String(organizationID), "provider",
                provider, "from", from, "to", to, "created_at", timestamp, "updated_at", timestamp, "attempts", "0",
                "assistant_id", "7",
            ],
            ["XADD", RedisKey.events, "*", "payload", try Self.json(event)],
        ]
        if addToStream {
            commands.append(["XADD", RedisKey.queue(provider: provider), "*", "payload", try Self.json(envelope)])
        }
        for reply in try await redis.pipeline(commands) {
            #expect(reply.errorMessage == nil)
        }
        return envelope
    }

    /// Adds the envelope's queue entry (for a message enqueued with `addToStream: false`).
    func addToStream(_ envelope: QueueEnvelope) async throws {
        _ = try await redis.xadd(RedisKey.queue(provider: envelope.provider!), fields: [("payload", try Self.json(envelope))])
    }

    // MARK: Reading state

    /// The message's status hash.
    func statusHash(_ messageID: String) async throws -> [String: String] {
        let flat = try await redis.command("HGETALL", RedisKey.message(messageID)).array ?? []
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            fields[flat[index].string!] = flat[index + 1].string!
        }
        return fields
    }

    /// Waits until the message's status is `status`.
    func waitForStatus(_ messageID: String, _ status: String, timeout: Duration = .seconds(5)) async throws -> [String: String] {
        var fields: [String: String] = [:]
        let reached = try await eventually(timeout: timeout) {
            fields = try await statusHash(messageID)
            return fields["status"] == status
        }
        #expect(reached, "message \(messageID) stayed \(fields["status"] ?? "missing"): \(fields)")
        return fields
    }

    /// The events of one message, oldest first.
    func events(_ messageID: String) async throws -> [MessageEvent] {
        let reply = try await redis.command("XRANGE", RedisKey.events, "-", "+")
        return (reply.array ?? []).compactMap { entry -> MessageEvent? in
            guard let pair = entry.array, pair.count == 2, let fields = pair[1].array, fields.count == 2,
                let json = fields[1].string,
                let event = try? JSONDecoder().decode(MessageEvent.self, from: Data(json.utf8))
            else { return nil }
            return event.messageID == messageID ? event : nil
        }
    }

    /// The entries of a stream, as JSON payloads.
    func payloads(_ stream: String) async throws -> [String] {
        let reply = try await redis.command("XRANGE", stream, "-", "+")
        return (reply.array ?? []).compactMap { $0.array?.last?.array?.last?.string }
    }

    /// What the sandbox received from `from`.
    func received(from: String) -> [SandboxReceivedMessage] {
        sandbox.messages(from: from)
    }

    // MARK: HTTP

    func request(
        _ method: HTTPRequest.Method, _ uri: String, organizationID: Int?, body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: String) {
        var headers: HTTPFields = [HTTPField.Name(InternalHeaders.token)!: Self.internalToken]
        if let organizationID { headers[HTTPField.Name(InternalHeaders.organizationID)!] = String(organizationID) }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return (response.status, String(buffer: response.body))
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
