import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import TestSupport
import Testing
import WireModels

@testable import SessionManager

/// A live assistant webhook on loopback that answers `failStatus` to its first `failures` requests.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var body: String
        var signature: String?
        var contentType: String?
    }

    let port = freeTCPPort()
    private let failures: Int
    private let failStatus: HTTPResponse.Status
    private let received = Mutex<[Received]>([])

    init(failures: Int, failStatus: HTTPResponse.Status = .internalServerError) {
        self.failures = failures
        self.failStatus = failStatus
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var requests: [Received] { received.withLock { $0 } }

    /// Runs the receiver while `body` runs.
    func serve<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let count = self.received.withLock { list in
                list.append(
                    Received(
                        body: String(buffer: buffer), signature: request.headers[HTTPField.Name("X-Switchboard-Signature")!],
                        contentType: request.headers[.contentType]))
                return list.count
            }
            return Response(status: count <= self.failures ? self.failStatus : .ok)
        }
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .error
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            group.addTask { try await body() }
            while let result = try await group.next() {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }
}

extension SessionManagerSuite {
    @Suite struct ForwardingTests {
        /// Checks the signature the way an assistant would, with CryptoKit, and returns `t`.
        static func verify(_ request: WebhookReceiver.Received, secret: String) throws -> Int {
            let header = try #require(request.signature)
            let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { part in
                let pair = part.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair[1]))
            })
            let timestamp = try #require(parts["t"].flatMap(Int.init))
            let expected = HMAC<SHA256>.authenticationCode(
                for: Data("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            #expect(parts["v1"] == expected.map { String(format: "%02x", $0) }.joined())
            #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 60)
            return timestamp
        }

        @Test func forwardsTheSignedPayloadAndRetriesUntilTheAssistantAccepts() async throws {
            let receiver = WebhookReceiver(failures: 2)
            let harness = try await SessionManagerHarness(environment: ["FORWARD_MAX_ATTEMPTS": "5"])
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            let secret = try await harness.publishAssistant(id: 41, organizationID: 4, number: number, webhookURL: receiver.url)
            try await receiver.serve {
                try await harness.makeApplication().test(.router) { client in
                    let messageID = try await harness.receive(
                        from: customer, to: number, organizationID: 4, assistantID: 41, body: "Need help",
                        mediaURLs: ["https://example.com/a.jpg"])
                    try await eventually { receiver.requests.count == 3 }
                    try await eventually { try await harness.events(.forwardingAttempted).count == 3 }
                    let conversation = try #require(
                        try await client.send(.get, "/api/v1/sms-conversations/", organization: 4).json([SMSConversation].self).first)
                    let requests = receiver.requests
                    #expect(Set(requests.map(\.body)).count == 1)
                    for request in requests {
                        _ = try Self.verify(request, secret: secret)
                        #expect(request.contentType == "application/json")
                    }
                    let payload = try #require(try JSONSerialization.jsonObject(with: Data(requests[0].body.utf8)) as? [String: Any])
                    #expect(Set(payload.keys) == ["type", "timestamp", "data"])
                    #expect(payload["type"] as? String == "sms_received")
                    #expect((payload["timestamp"] as? String).flatMap(Timestamp.parse) != nil)
                    let data = try #require(payload["data"] as? [String: Any])
                    #expect(Set(data.keys) == ["message_id", "from", "to", "body", "media_urls", "provider", "conversation_id", "assistant_id"])
                    #expect(data["message_id"] as? String == messageID)
                    #expect(data["from"] as? String == customer)
                    #expect(data["to"] as? String == number)
                    #expect(data["body"] as? String == "Need help")
                    #expect(data["media_urls"] as? [String] == ["https://example.com/a.jpg"])
                    #expect(data["provider"] as? String == "twilio")
                    #expect(data["conversation_id"] as? Int == conversation.id)
                    #expect(data["assistant_id"] as? Int == 41)

                    let audits = try await harness.events(.forwardingAttempted).sorted { ($0.eventData?["attempt"] ?? "") < ($1.eventData?["attempt"] ?? "") }
                    #expect(audits.map { $0.eventData?["attempt"] } == ["1", "2", "3"])
                    #expect(audits.map(\.level) == ["warning", "warning", "info"])
                    #expect(audits.map { $0.eventData?["status_code"] } == ["500", "500", "200"])
                    #expect(audits.map { $0.eventData?["outcome"] } == ["retrying", "retrying", "delivered"])
                    #expect(audits.allSatisfy { $0.messageID == messageID && $0.conversationID == conversation.id && $0.eventData?["url"] == receiver.url })
                    #expect(audits.allSatisfy { $0.organizationID == 4 && $0.eventData?["error"] != nil })
                }
            }
        }

        @Test func givesUpAfterTheLastAttemptWithAnErrorAudit() async throws {
            let receiver = WebhookReceiver(failures: .max, failStatus: .serviceUnavailable)
            let harness = try await SessionManagerHarness(environment: ["FORWARD_MAX_ATTEMPTS": "3"])
            let number = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 42, organizationID: 4, number: number, webhookURL: receiver.url)
            try await receiver.serve {
                try await harness.makeApplication().test(.router) { _ in
                    try await harness.receive(from: SessionManagerHarness.number(), to: number, organizationID: 4, assistantID: 42, body: "x")
                    try await eventually { try await harness.events(.forwardingAttempted).contains { $0.level == "error" } }
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(receiver.requests.count == 3)
                    let audits = try await harness.events(.forwardingAttempted)
                    #expect(audits.count == 3)
                    let last = try #require(audits.first { $0.level == "error" })
                    #expect(last.eventData?["attempt"] == "3")
                    #expect(last.eventData?["outcome"] == "gave_up")
                    #expect(last.eventData?["status_code"] == "503")
                    let database = try DatabaseQueue(path: harness.dataDirectory.appendingPathComponent("session-manager.sqlite").path)
                    #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM forward_outbox") } == 0)
                }
            }
        }

        @Test func networkErrorsAreRetriedAndTheElapsedBoundEndsThem() async throws {
            let closedPort = freeTCPPort()
            let harness = try await SessionManagerHarness(environment: [
                "FORWARD_MAX_ATTEMPTS": "50", "FORWARD_MAX_ELAPSED_SECONDS": "3", "FORWARD_TIMEOUT_SECONDS": "1",
                "FORWARD_INITIAL_BACKOFF_MILLISECONDS": "100",
            ])
            let number = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 43, organizationID: 4, number: number, webhookURL: "http://127.0.0.1:\(closedPort)/hook")
            try await harness.makeApplication().test(.router) { _ in
                try await harness.receive(from: SessionManagerHarness.number(), to: number, organizationID: 4, assistantID: 43, body: "x")
                try await eventually { try await harness.events(.forwardingAttempted).contains { $0.level == "error" } }
                let audits = try await harness.events(.forwardingAttempted)
                #expect(audits.count >= 2 && audits.count < 50)
                #expect(audits.allSatisfy { $0.eventData?["status_code"] == "" && !($0.eventData?["error"] ?? "").isEmpty })
                #expect(audits.filter { $0.level == "error" }.count == 1)
            }
        }

        @Test func assistantWithoutAWebhookIsSkippedWithAnAudit() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 44, organizationID: 4, number: number, webhookURL: nil)
            try await harness.makeApplication().test(.router) { client in
                let messageID = try await harness.receive(from: SessionManagerHarness.number(), to: number, organizationID: 4, assistantID: 44, body: "x")
                try await eventually { try await !harness.events(.forwardingAttempted).isEmpty }
                let audit = try #require(try await harness.events(.forwardingAttempted).first)
                #expect(audit.messageID == messageID)
                #expect(audit.level == "warning")
                #expect(audit.eventData?["outcome"] == "skipped")
                #expect(audit.summary == "Forwarding skipped: assistant has no sms_webhook_url")
                // The message itself is stored all the same.
                let list = try await client.send(.get, "/api/v1/sms-conversations/", organization: 4).json([SMSConversation].self)
                #expect(list.first?.messageCount == 1)
            }
        }

        @Test func aPendingForwardSurvivesARestart() async throws {
            let receiver = WebhookReceiver(failures: 0)
            let harness = try await SessionManagerHarness(environment: [
                "FORWARD_INITIAL_BACKOFF_MILLISECONDS": "300", "FORWARD_MAX_ATTEMPTS": "20",
            ])
            let number = SessionManagerHarness.number()
            let secret = try await harness.publishAssistant(id: 45, organizationID: 4, number: number, webhookURL: receiver.url)
            // First run: the assistant's server is down.
            try await harness.makeApplication().test(.router) { _ in
                try await harness.receive(from: SessionManagerHarness.number(), to: number, organizationID: 4, assistantID: 45, body: "wait for me")
                try await eventually { try await !harness.events(.forwardingAttempted).isEmpty }
            }
            // Second run over the same data: the assistant is back and gets the message.
            try await receiver.serve {
                try await harness.makeApplication().test(.router) { _ in
                    try await eventually { !receiver.requests.isEmpty }
                    let request = try #require(receiver.requests.first)
                    _ = try Self.verify(request, secret: secret)
                    #expect(request.body.contains("wait for me"))
                    try await eventually { try await harness.events(.forwardingAttempted).contains { $0.eventData?["outcome"] == "delivered" } }
                }
            }
        }
    }
}
