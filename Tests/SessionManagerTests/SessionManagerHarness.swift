import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RedisStore
import ServiceRuntime
import TestSupport
import WireModels

@testable import SessionManager

/// session-manager over a temp data dir and Redis database 10 (flushed first), with short
/// intervals so sessions expire and retries happen within a test.
struct SessionManagerHarness {
    static let redisDatabase = 10
    static let internalToken = "internal-test-token"

    let dataDirectory: URL
    let configuration: SessionManagerConfiguration
    let secretsKey: [UInt8]
    let logs = LogCapture()
    let redis: RedisClient

    init(environment extra: [String: String] = [:]) async throws {
        var redisConfiguration = try RedisConfiguration(url: try TestEnvironment.redisURL())
        redisConfiguration.database = Self.redisDatabase
        let redisURL = "redis://\(redisConfiguration.host):\(redisConfiguration.port)/\(Self.redisDatabase)"
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-session-manager-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        secretsKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
        var environment = [
            "REDIS_URL": redisURL, "DATA_DIR": dataDirectory.path, "INTERNAL_TOKEN": Self.internalToken,
            "SECRETS_KEY": Data(secretsKey).base64EncodedString(), "SESSION_SWEEP_INTERVAL_SECONDS": "0.2",
            "EVENTS_BLOCK_MILLISECONDS": "50", "CONSUMER_NAME": "test-\(UUID().uuidString.prefix(8))",
            "FORWARD_INITIAL_BACKOFF_MILLISECONDS": "50", "FORWARD_MAX_BACKOFF_SECONDS": "1", "FORWARD_POLL_MILLISECONDS": "50",
            "FORWARD_TIMEOUT_SECONDS": "2",
        ]
        environment.merge(extra) { $1 }
        configuration = try SessionManagerConfiguration(environment: EnvironmentReader(environment))
        redis = RedisClient(configuration: redisConfiguration, logger: logs.logger(label: "test.redis"))
        _ = try await redis.command("FLUSHDB")
    }

    func makeApplication() throws -> some ApplicationProtocol {
        try buildApplication(configuration: configuration, logger: logs.logger(label: "switchboard.session-manager"))
    }

    // MARK: The directory, as the gateway publishes it

    /// Publishes an assistant (and its number) to the directory; returns its webhook secret.
    @discardableResult
    func publishAssistant(
        id: Int, organizationID: Int, name: String = "Support Bot", number: String? = nil, webhookURL: String? = nil,
        isActive: Bool = true
    ) async throws -> String {
        let secret = "whsec_\(UUID().uuidString)"
        let assistant = DirectoryAssistant(
            assistantID: id, organizationID: organizationID, name: name, smsWebhookURL: webhookURL,
            sealedWebhookSecret: try SecretBox(key: secretsKey).seal(secret), isActive: isActive, autoReply: false)
        _ = try await redis.command("SET", RedisKey.directoryAssistant(id), String(decoding: try JSONEncoder().encode(assistant), as: UTF8.self))
        if let number {
            let entry = DirectoryPhoneNumber(
                phoneNumber: number, phoneNumberID: id, organizationID: organizationID, provider: "twilio", assistantID: id,
                smsWebhookURL: webhookURL, assistantActive: isActive)
            _ = try await redis.command("SET", RedisKey.directoryNumber(number), String(decoding: try JSONEncoder().encode(entry), as: UTF8.self))
        }
        return secret
    }

    // MARK: Events, as webhook-ingest and the gateway write them

    /// XADDs an inbound `message.received`; returns its message id.
    @discardableResult
    func receive(
        from customer: String, to number: String, organizationID: Int?, assistantID: Int?, body: String, messageID: String = UUID().uuidString.lowercased(),
        mediaURLs: [String] = [], occurredAt: Date = Date()
    ) async throws -> String {
        let event = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .received, occurredAt: Timestamp.string(occurredAt.timeIntervalSince1970),
            messageID: messageID, organizationID: organizationID, assistantID: assistantID, direction: "inbound", provider: "twilio",
            from: customer, to: number, body: body, mediaURLs: mediaURLs, providerMessageID: "SM\(UUID().uuidString.prefix(8))",
            status: "received")
        try await add(event)
        return messageID
    }

    /// XADDs an outbound `message.queued` as the gateway does for an accepted send.
    @discardableResult
    func queueOutbound(
        from number: String, to customer: String, organizationID: Int, assistantID: Int?, body: String,
        messageID: String = UUID().uuidString.lowercased()
    ) async throws -> String {
        let event = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .queued, occurredAt: Timestamp.string(Date().timeIntervalSince1970),
            messageID: messageID, organizationID: organizationID, assistantID: assistantID, direction: "outbound", provider: "twilio",
            from: number, to: customer, body: body, mediaURLs: [], segments: 1, encoding: "GSM-7", status: "queued",
            idempotencyKey: "idem-\(messageID)")
        try await add(event)
        return messageID
    }

    func add(_ event: MessageEvent) async throws {
        _ = try await redis.xadd(
            RedisKey.events, fields: [(RedisKey.payloadField, String(decoding: try JSONEncoder().encode(event), as: UTF8.self))])
    }

    /// Every event on `sms:events` of the given type.
    func events(_ type: MessageEventType) async throws -> [MessageEvent] {
        let reply = try await redis.command("XRANGE", RedisKey.events, "-", "+")
        return (reply.array ?? []).compactMap { entry -> MessageEvent? in
            guard let pair = entry.array, pair.count == 2, let fields = pair[1].array, fields.count == 2, let json = fields[1].string else {
                return nil
            }
            return try? JSONDecoder().decode(MessageEvent.self, from: Data(json.utf8))
        }.filter { $0.type == type }
    }

    /// A random E.164 number.
    static func number() -> String { "+1555" + String(Int.random(in: 1_000_000...9_999_999)) }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(
    timeout: Duration = .seconds(10), _ message: @autoclosure () -> String = "condition never held",
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw HarnessError.timedOut(message())
}

enum HarnessError: Error, CustomStringConvertible {
    case timedOut(String)
    var description: String {
        switch self {
        case .timedOut(let message): "timed out: \(message)"
        }
    }
}

/// A decoded test response.
struct Reply {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.utf8))
    }

    /// The body as a JSON object or array.
    var object: Any { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) ?? [:] }

    var detail: String? { (try? json(ErrorDetail.self))?.detail }

    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}

extension TestClientProtocol {
    /// Sends a request as the gateway forwards it: internal token and the caller's organization.
    func send(_ method: HTTPRequest.Method, _ uri: String, organization: Int?, token: String? = SessionManagerHarness.internalToken) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[HTTPField.Name(InternalHeaders.token)!] = token }
        if let organization { headers[HTTPField.Name(InternalHeaders.organizationID)!] = String(organization) }
        headers[HTTPField.Name(InternalHeaders.userID)!] = "1"
        let response = try await execute(uri: uri, method: method, headers: headers, body: nil)
        return Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}
