import Foundation
import HTTPTypes
import ProviderSandboxKit
import ServiceRuntime
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct RoutesTests {
        @Test func statusReportsTheHashWithDeliveryStatus() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550150", organizationID: organizationID, addToStream: false)
                let queued = try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: organizationID)
                #expect(queued.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(queued.body.utf8)) as? [String: Any])
                #expect(object["status"] as? String == "queued")
                #expect(object["message_id"] as? String == envelope.messageID)
                #expect(object.keys.contains("provider_message_id") && object["provider_message_id"] is NSNull)
                #expect(object.keys.contains("error") && object["updated_at"] is String)

                _ = try await harness.redis.command(
                    "HSET", RedisKey.message(envelope.messageID!), "status", "sent", "provider_message_id", "SM1",
                    "delivery_status", "delivered")
                let delivered = try SenderHarness.decode(
                    MessageStatusResponse.self,
                    try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: organizationID).body)
                #expect(delivered.status == .sent && delivered.deliveryStatus == .delivered)
                #expect(delivered.providerMessageID == "SM1")
            }
        }

        @Test func statusAnswersNotFoundAndBadRequestWithoutLeaking() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550151", organizationID: organizationID, addToStream: false)
                let unknown = try await harness.request(.get, "/sms/nope/status", organizationID: organizationID)
                #expect(unknown.status == .notFound)
                #expect(unknown.body == #"{"detail":"Message not found"}"#)
                let other = try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: organizationID + 1)
                #expect(other.status == .notFound)
                #expect(other.body == unknown.body)
                let noHeader = try await harness.request(.get, "/sms/\(envelope.messageID!)/status", organizationID: nil)
                #expect(noHeader.status == .badRequest)
                #expect(noHeader.body.contains("X-Switchboard-Organization-Id"))
                let noToken = try await harness.client.execute(uri: "/sms/\(envelope.messageID!)/status", method: .get)
                #expect(noToken.status == .unauthorized)
            }
        }

        @Test func queueStatsCountPendingActiveAndFailedPerProvider() async throws {
            try await SenderHarness.run { harness in
                let farFuture = String(Int(Date().timeIntervalSince1970 * 1000) + 3_600_000)
                _ = try await harness.redis.pipeline([
                    ["ZADD", RedisKey.retries(provider: "twilio"), farFuture, "a", farFuture, "b"],
                    ["XADD", RedisKey.deadLetters(provider: "telnyx"), "*", "payload", "{}"],
                ])
                let (organizationID, number) = try await harness.addSender(provider: "vonage")
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550152", organizationID: organizationID, provider: "vonage", addToStream: false)
                try await ClaimTests.leavePendingWithDeadConsumer(harness, envelope)

                let reply = try await harness.request(.get, "/sms/queue/stats", organizationID: organizationID)
                #expect(reply.status == .ok)
                let stats = try SenderHarness.decode(QueueStatsResponse.self, reply.body)
                #expect(stats.queues["twilio"] == QueueStats(pending: 2, active: 0, failed: 0))
                #expect(stats.queues["telnyx"] == QueueStats(pending: 0, active: 0, failed: 1))
                #expect(stats.queues["vonage"] == QueueStats(pending: 0, active: 1, failed: 0))
                #expect(Timestamp.parse(stats.timestamp) != nil)
                let noHeader = try await harness.request(.get, "/sms/queue/stats", organizationID: nil)
                #expect(noHeader.status == .badRequest)
            }
        }

        @Test func configurationNamesTheBadVariable() throws {
            var environment = [
                "INTERNAL_TOKEN": "t", "SECRETS_KEY": Data(repeating: 1, count: 32).base64EncodedString(),
            ]
            let defaults = try SenderConfiguration(environment: .init(environment))
            #expect(defaults.maxAttempts == 10 && defaults.concurrency == 64 && defaults.claimIdle == .seconds(30))
            #expect(defaults.rates(for: "telnyx") == .init(perNumber: 1, perAccount: 50))
            #expect(defaults.backoffBase == .seconds(1) && defaults.backoffMax == .seconds(300))
            for (name, value) in [
                ("SEND_MAX_ATTEMPTS", "0"), ("TWILIO_RATE_PER_NUMBER", "fast"), ("SENDER_CONCURRENCY", "-1"),
                ("SENDER_PACING_BURST", "0.5"), ("SEND_BACKOFF_MAX_MS", "10"),
            ] {
                environment[name] = value
                let error = #expect(throws: ConfigurationError.self) {
                    try SenderConfiguration(environment: .init(environment))
                }
                #expect(error?.variable == name)
                environment[name] = nil
            }
        }
    }
}

