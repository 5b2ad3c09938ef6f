import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RedisStore
import SQLiteStore
import ServiceRuntime
import TestSupport
import Testing
import WireModels

@testable import LogIndexer

/// Every log-indexer suite, run one at a time: they share Redis database 9.
@Suite(.serialized, .timeLimit(.minutes(5))) enum LogIndexerSuites {}

/// A log-indexer over a temp data dir and Redis database 9, fed through `sms:events` as the
/// other services feed it.
struct LogIndexerHarness {
    static let redisDatabase = 9
    static let token = "internal-test-token"

    let dataDirectory: URL
    let configuration: LogIndexerConfiguration
    let redisURL: String
    let logs = LogCapture()
    let redis: RedisClient

    init(environment extra: [String: String] = [:]) async throws {
        var redisConfiguration = try RedisConfiguration(url: try TestEnvironment.redisURL())
        redisConfiguration.database = Self.redisDatabase
        redisURL = "redis://\(redisConfiguration.host):\(redisConfiguration.port)/\(Self.redisDatabase)"
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-log-indexer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var environment = [
            "REDIS_URL": redisURL, "DATA_DIR": dataDirectory.path, "INTERNAL_TOKEN": Self.token,
            "SECRETS_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
            "LOG_INDEXER_BLOCK_MS": "50", "ASSISTANT_NAME_CACHE_SECONDS": "0",
        ]
        environment.merge(extra) { $1 }
        configuration = try LogIndexerConfiguration(environment: EnvironmentReader(environment))
        redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: Logger(label: "test.redis"))
        _ = try await redis.command("FLUSHDB")
    }

    func makeApplication() throws -> some ApplicationProtocol {
        try buildApplication(configuration: configuration, logger: logs.logger(label: "switchboard.log-indexer"))
    }

    /// Runs the service with its consumer, hands the test client to `body`, and cleans up.
    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        try await makeApplication().test(.router) { client in
            try await body(client)
        }
        await redis.shutdown()
    }

    // MARK: Feeding events

    /// Appends events to `sms:events` exactly as the other services do; returns the last entry id.
    @discardableResult
    func publish(_ events: [MessageEvent]) async throws -> String {
        let encoder = JSONEncoder()
        var last = ""
        for event in events {
            let payload = String(decoding: try encoder.encode(event), as: UTF8.self)
            last = try await redis.xadd(RedisKey.events, fields: [(RedisKey.payloadField, payload)], maxLength: 100_000)
        }
        return last
    }

    /// Publishes and waits until the consumer group has read and acknowledged everything.
    func publishAndWait(_ events: [MessageEvent]) async throws {
        try await publish(events)
        try await waitUntilIndexed()
    }

    /// Waits until the group has delivered the stream's last entry and nothing is pending.
    func waitUntilIndexed(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let lastID = try await redis.command("XINFO", "STREAM", RedisKey.events).array.flatMap { Self.field("last-generated-id", in: $0) }
            let groups = try? await redis.command("XINFO", "GROUPS", RedisKey.events).array
            if let group = groups?.compactMap(\.array).first(where: { Self.field("name", in: $0) == RedisKey.logIndexerGroup }),
                Self.field("last-delivered-id", in: group) == lastID,
                (try await redis.xpendingSummary(RedisKey.events, group: RedisKey.logIndexerGroup)).count == 0
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("events were not indexed within \(timeout)")
    }

    private static func field(_ name: String, in flat: [RedisValue]) -> String? {
        guard let index = flat.firstIndex(where: { $0.string == name }), index + 1 < flat.count else { return nil }
        let value = flat[index + 1]
        return value.string ?? value.int.map(String.init)
    }

    /// Publishes an assistant in the tenant directory, as the gateway does.
    func publishAssistant(id: Int, organizationID: Int, name: String) async throws {
        let assistant = DirectoryAssistant(
            assistantID: id, organizationID: organizationID, name: name, smsWebhookURL: nil, sealedWebhookSecret: "x",
            isActive: true, autoReply: false)
        let json = String(decoding: try JSONEncoder().encode(assistant), as: UTF8.self)
        _ = try await redis.command("SET", RedisKey.directoryAssistant(id), json)
    }
}

// MARK: Requests

/// A decoded test response.
struct Reply {
    var status: HTTPResponse.Status
    var body: String

    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.utf8))
    }

    /// The body as a JSON object, to check which keys are present (and null).
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    var detail: String? { (try? json(ErrorDetail.self))?.detail }
}

extension TestClientProtocol {
    /// A GET as the gateway forwards it: internal token and the caller's organization.
    func get(_ uri: String, organization: Int?, token: String? = LogIndexerHarness.token) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[HTTPField.Name(InternalHeaders.token)!] = token }
        if let organization {
            headers[HTTPField.Name(InternalHeaders.organizationID)!] = String(organization)
            headers[HTTPField.Name(InternalHeaders.userID)!] = "1"
        }
        let response = try await execute(uri: uri, method: .get, headers: headers, body: nil)
        return Reply(status: response.status, body: String(buffer: response.body))
    }
}

// MARK: Events

/// Builds events the way gateway, sender, webhook-ingest and session-manager write them.
struct EventFactory {
    /// Events are placed relative to this instant, an hour ago, so they are within retention.
    let base: Date
    var organizationID: Int

    init(organizationID: Int, base: Date = Date().addingTimeInterval(-3600)) {
        self.organizationID = organizationID
        // Whole seconds, so timestamps compare exactly after the round trip.
        self.base = Date(timeIntervalSince1970: base.timeIntervalSince1970.rounded(.down))
    }

    func time(_ offset: Double) -> String { Timestamp.string(base.timeIntervalSince1970 + offset) }

    /// An outbound step of our pipeline (gateway / sender).
    func outbound(
        _ type: MessageEventType, messageID: String, at offset: Double, provider: String = "telnyx",
        from: String = "+15551234567", to: String = "+15559876543", body: String = "Your appointment is confirmed.",
        assistantID: Int? = 123, providerMessageID: String? = nil, errorCode: String? = nil, errorMessage: String? = nil,
        attempt: Int? = nil, conversationID: Int? = nil
    ) -> MessageEvent {
        MessageEvent(
            eventID: UUID().uuidString, type: type, occurredAt: time(offset), messageID: messageID,
            organizationID: organizationID, assistantID: assistantID, direction: "outbound", provider: provider, from: from,
            to: to, body: body, mediaURLs: [], segments: 1, encoding: "GSM-7", providerMessageID: providerMessageID,
            status: Self.pipelineStatus(type), errorCode: errorCode, errorMessage: errorMessage, attempt: attempt,
            conversationID: conversationID)
    }

    /// A delivery receipt from webhook-ingest.
    func receipt(
        _ type: MessageEventType, messageID: String?, providerMessageID: String, at offset: Double, provider: String = "telnyx",
        providerStatus: String, errorCode: String? = nil, errorMessage: String? = nil
    ) -> MessageEvent {
        let raw = #"{"data":{"event_type":"message.finalized","payload":{"id":"\#(providerMessageID)","to":[{"status":"\#(providerStatus)"}]}}}"#
        return MessageEvent(
            eventID: UUID().uuidString, type: type, occurredAt: time(offset), messageID: messageID,
            organizationID: organizationID, assistantID: nil, direction: "outbound", provider: provider, from: nil, to: nil,
            body: nil, mediaURLs: nil, providerMessageID: providerMessageID, status: type.rawValue.replacingOccurrences(of: "message.", with: ""),
            providerStatus: providerStatus, errorCode: errorCode, errorMessage: errorMessage, rawPayload: raw)
    }

    /// An inbound message from webhook-ingest.
    func inbound(
        messageID: String, at offset: Double, provider: String = "twilio", from: String = "+15557654321",
        to: String = "+15551234567", body: String, assistantID: Int? = 123, conversationID: Int? = nil
    ) -> MessageEvent {
        MessageEvent(
            eventID: UUID().uuidString, type: .received, occurredAt: time(offset), messageID: messageID,
            organizationID: organizationID, assistantID: assistantID, direction: "inbound", provider: provider, from: from,
            to: to, body: body, mediaURLs: ["https://example.com/a.jpg"], segments: 1, providerMessageID: "SM\(messageID.prefix(8))",
            status: "received", rawPayload: #"{"MessageSid":"SM\#(messageID.prefix(8))","Body":"\#(body)"}"#,
            conversationID: conversationID)
    }

    /// An audit event (webhook received, forwarding attempted) or a conversation event.
    func audit(
        _ type: MessageEventType, at offset: Double, messageID: String? = nil, conversationID: Int? = nil,
        providerMessageID: String? = nil, level: String? = nil, summary: String? = nil, data: [String: String]? = nil,
        direction: String = "inbound", assistantID: Int? = nil
    ) -> MessageEvent {
        MessageEvent(
            eventID: UUID().uuidString, type: type, occurredAt: time(offset), messageID: messageID,
            organizationID: organizationID, assistantID: assistantID, direction: direction, provider: nil, from: nil, to: nil,
            body: nil, mediaURLs: nil, providerMessageID: providerMessageID, conversationID: conversationID, level: level,
            summary: summary, eventData: data)
    }

    private static func pipelineStatus(_ type: MessageEventType) -> String? {
        switch type {
        case .queued: "queued"
        case .sending: "sending"
        case .sent: "sent"
        case .failed: "failed"
        case .cancelled: "cancelled"
        case .retrying: "queued"
        default: nil
        }
    }
}
