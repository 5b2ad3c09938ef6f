import Foundation
import HummingbirdTesting
import Testing
import WireModels

@testable import LogIndexer

extension LogIndexerSuites {
    @Suite struct TimelineTests {
        /// A conversation as the services report it, published deliberately out of order.
        static func conversation(_ events: EventFactory, id: Int) -> [MessageEvent] {
            let inbound = "in-\(id)"
            let reply = "out-\(id)"
            return [
                // session-manager links the reply before the reply's own events arrive.
                events.audit(.conversationMessageAdded, at: 8, messageID: reply, conversationID: id),
                events.outbound(.sent, messageID: reply, at: 9, body: "Hello back", providerMessageID: "pm-\(id)"),
                events.receipt(.delivered, messageID: reply, providerMessageID: "pm-\(id)", at: 12, providerStatus: "delivered"),
                events.audit(
                    .webhookReceived, at: 0, messageID: inbound, level: "info", summary: "Inbound SMS webhook received",
                    data: ["provider": "telnyx"]),
                events.inbound(messageID: inbound, at: 1, provider: "telnyx", body: "Hi there"),
                events.audit(.conversationStarted, at: 2, conversationID: id, assistantID: 123),
                events.audit(.conversationMessageAdded, at: 3, messageID: inbound, conversationID: id),
                events.audit(
                    .forwardingAttempted, at: 4, messageID: inbound, conversationID: id, level: "warning",
                    data: ["attempt": "1", "status_code": "500", "error": "HTTP 500", "url": "https://bot.example.com/sms"]),
                events.audit(.forwardingAttempted, at: 6, messageID: inbound, conversationID: id, data: ["attempt": "2", "status_code": "200"]),
                events.outbound(.queued, messageID: reply, at: 7, body: "Hello back"),
            ]
        }

        @Test func timelineMergesAuditAndDeliveryEventsInTimeOrder() async throws {
            let harness = try await LogIndexerHarness()
            let org = 41
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                let conversation = Self.conversation(events, id: 101)
                // Duplicates change nothing.
                try await harness.publishAndWait(conversation + conversation.prefix(3))
                // Another conversation's events stay out.
                try await harness.publishAndWait(Self.conversation(events, id: 102))

                let reply = try await client.get("/api/v1/sms/101/logs", organization: org)
                #expect(reply.status == .ok)
                let timeline = try reply.json(SMSAuditLogs.self)
                #expect(timeline.callID == 101)
                #expect(timeline.logCount == timeline.logs.count)
                #expect(
                    timeline.logs.map(\.eventType) == [
                        "webhook_received", "message.received", "conversation.started", "conversation.message_added",
                        "forwarding.attempted", "forwarding.attempted", "message.queued", "conversation.message_added",
                        "message.sent", "message.delivered",
                    ])
                #expect(timeline.logs.map(\.timestamp) == [0, 1, 2, 3, 4, 6, 7, 8, 9, 12].map { events.time($0) })
                let webhook = timeline.logs[0]
                #expect(webhook.level == "info" && webhook.message == "Inbound SMS webhook received")
                #expect(webhook.eventData?["provider"] == .string("telnyx"))
                let failedForward = timeline.logs[4]
                #expect(failedForward.level == "warning")
                #expect(failedForward.eventData?["status_code"] == .string("500"))
                #expect(failedForward.eventData?["url"] == .string("https://bot.example.com/sms"))
                let delivered = timeline.logs[9]
                #expect(delivered.level == "info" && delivered.message == "SMS delivered")
                #expect(delivered.eventData?["provider_status"] == .string("delivered"))
                #expect(Set(timeline.logs.map(\.id)).count == timeline.logs.count)

                let object = try reply.object()
                #expect(Set(object.keys) == ["call_id", "log_count", "logs"])
                let line = try #require((object["logs"] as? [[String: Any]])?.first)
                #expect(Set(line.keys) == ["id", "timestamp", "event_type", "level", "message", "event_data"])

                let unknown = try await client.get("/api/v1/sms/999/logs", organization: org)
                #expect(unknown.status == .notFound)
                #expect(unknown.detail == "Call not found")
                let foreign = try await client.get("/api/v1/sms/101/logs", organization: org + 1)
                #expect(foreign.status == .forbidden)
                #expect(foreign.detail?.isEmpty == false)
                #expect(try await client.get("/api/v1/sms/abc/logs", organization: org).status == .unprocessableContent)
            }
        }

        @Test func archivingAConversationDeletesItsLogsAndEvents() async throws {
            let harness = try await LogIndexerHarness()
            let org = 42
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                try await harness.publishAndWait(Self.conversation(events, id: 201) + Self.conversation(events, id: 202))
                #expect(try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self).total == 4)

                try await harness.publishAndWait([events.audit(.conversationArchived, at: 20, conversationID: 201)])
                #expect(try await client.get("/api/v1/sms/201/logs", organization: org).status == .notFound)
                let remaining = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                #expect(remaining.total == 2)
                #expect(Set(remaining.items.compactMap(\.providerMessageID)).isSuperset(of: ["pm-202"]))
                #expect(try await client.get("/api/v1/sms-logs/?search=hello", organization: org).json(SMSLogPage.self).total == 1)
                let stats = try await client.get("/api/v1/sms-logs/stats", organization: org).json(SMSLogStats.self)
                #expect(stats.total == 2)
                #expect(try await client.get("/api/v1/sms/202/logs", organization: org).json(SMSAuditLogs.self).logCount == 10)

                // A late receipt for an archived message does not bring it back.
                try await harness.publishAndWait([
                    events.receipt(.delivered, messageID: "out-201", providerMessageID: "pm-201", at: 30, providerStatus: "delivered"),
                    events.audit(.forwardingAttempted, at: 31, messageID: "in-201", conversationID: 201),
                ])
                #expect(try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self).total == 2)
                #expect(try await client.get("/api/v1/sms/201/logs", organization: org).status == .notFound)
            }
        }
    }
}
