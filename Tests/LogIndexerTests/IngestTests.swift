import Foundation
import HummingbirdTesting
import Logging
import RedisStore
import SQLiteStore
import Testing
import WireModels

@testable import LogIndexer

extension LogIndexerSuites {
    @Suite struct IngestTests {
        @Test func outOfOrderAndDuplicateEventsNeverRegressTheStatus() async throws {
            let harness = try await LogIndexerHarness()
            let org = 51
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                let queued = events.outbound(.queued, messageID: "o-1", at: 0)
                let sending = events.outbound(.sending, messageID: "o-1", at: 1, attempt: 1)
                let sent = events.outbound(.sent, messageID: "o-1", at: 2, providerMessageID: "pm-o1")
                let delivered = events.receipt(.delivered, messageID: "o-1", providerMessageID: "pm-o1", at: 6, providerStatus: "delivered")
                let sentReceipt = events.receipt(.sent, messageID: "o-1", providerMessageID: "pm-o1", at: 4, providerStatus: "sent")
                try await harness.publishAndWait([delivered, sending, sentReceipt, queued, delivered, sent, queued])
                let page = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                #expect(page.total == 1)
                let log = try #require(page.items.first)
                #expect(log.status == "delivered")
                #expect(log.providerStatus == "delivered", "a late 'sent' receipt does not replace 'delivered'")
                #expect(log.body == "Your appointment is confirmed.")
                #expect(log.createdAt == events.time(0) && log.updatedAt == events.time(6))
                let stats = try await client.get("/api/v1/sms-logs/stats", organization: org).json(SMSLogStats.self)
                #expect(stats.total == 1 && stats.byStatus == ["delivered": 1])
                let detail = try await client.get("/api/v1/sms-logs/\(log.id)", organization: org).json(SMSLogDetail.self)
                guard case .array(let payloads)? = detail.providerPayload?.objectValue?["payloads"] else {
                    Issue.record("no payloads")
                    return
                }
                #expect(payloads.count == 2, "a duplicate receipt is stored once")
            }
        }

        @Test func aReceiptNamingOnlyTheProviderIDIsMergedIntoItsMessage() async throws {
            let harness = try await LogIndexerHarness()
            let org = 52
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                // The receipt comes before the sender's message.sent, without our message id.
                try await harness.publishAndWait([
                    events.outbound(.queued, messageID: "o-2", at: 0),
                    events.receipt(.undelivered, messageID: nil, providerMessageID: "pm-o2", at: 8, providerStatus: "delivery_failed", errorCode: "40001", errorMessage: "Unreachable"),
                    events.audit(.webhookReceived, at: 8, providerMessageID: "pm-o2", summary: "Status webhook received", direction: "outbound"),
                ])
                #expect(try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self).total == 2)
                try await harness.publishAndWait([
                    events.outbound(.sending, messageID: "o-2", at: 1),
                    events.outbound(.sent, messageID: "o-2", at: 2, providerMessageID: "pm-o2"),
                ])
                let page = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                #expect(page.total == 1)
                let log = try #require(page.items.first)
                #expect(log.status == "undelivered" && log.providerStatus == "delivery_failed")
                #expect(log.errorCode == "40001" && log.errorMessage == "Unreachable")
                #expect(log.body == "Your appointment is confirmed." && log.providerMessageID == "pm-o2")
                #expect(log.createdAt == events.time(0) && log.updatedAt == events.time(8))
                let stats = try await client.get("/api/v1/sms-logs/stats", organization: org).json(SMSLogStats.self)
                #expect(stats.total == 1 && stats.failedCount == 1)
                let detail = try await client.get("/api/v1/sms-logs/\(log.id)", organization: org).json(SMSLogDetail.self)
                #expect(detail.providerPayload?.objectValue?["raw_status"] == .string("delivery_failed"))
            }
        }

        @Test func cancelledAndPipelineFailuresAreFinal() async throws {
            let harness = try await LogIndexerHarness()
            let org = 53
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                try await harness.publishAndWait([
                    events.outbound(.queued, messageID: "c-1", at: 0, body: "cancel me"),
                    events.outbound(.cancelled, messageID: "c-1", at: 1, body: "cancel me"),
                    events.outbound(.sending, messageID: "c-1", at: 2, body: "cancel me"),
                    events.outbound(.queued, messageID: "f-1", at: 0, body: "fail me"),
                    events.outbound(.failed, messageID: "f-1", at: 3, body: "fail me", errorCode: "21211", errorMessage: "Invalid 'To' number"),
                    events.outbound(.retrying, messageID: "f-1", at: 2, body: "fail me", errorCode: "429", errorMessage: "Throttled", attempt: 1),
                    events.receipt(.delivered, messageID: "f-1", providerMessageID: "pm-f1", at: 9, providerStatus: "delivered"),
                ])
                let page = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                let cancelled = try #require(page.items.first { $0.body == "cancel me" })
                #expect(cancelled.status == "cancelled")
                let failed = try #require(page.items.first { $0.body == "fail me" })
                #expect(failed.status == "failed")
                #expect(failed.errorCode == "21211" && failed.errorMessage == "Invalid 'To' number")
            }
        }

        @Test func malformedEntriesAreAcknowledgedAndSkipped() async throws {
            let harness = try await LogIndexerHarness()
            let org = 54
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                _ = try await harness.redis.xadd(RedisKey.events, fields: [(RedisKey.payloadField, "not json")])
                _ = try await harness.redis.xadd(RedisKey.events, fields: [("other", "field")])
                _ = try await harness.redis.xadd(RedisKey.events, fields: [(RedisKey.payloadField, #"{"schema_version":1,"event_id":"x"}"#)])
                var badDate = events.outbound(.queued, messageID: "bad", at: 0)
                badDate.occurredAt = "yesterday"
                try await harness.publishAndWait([badDate, events.outbound(.queued, messageID: "good", at: 1)])
                let page = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                #expect(page.total == 1)
                #expect(harness.logs.text.contains("malformed event skipped"))
            }
        }

        @Test func stalePendingEntriesOfADeadConsumerAreClaimedOnStart() async throws {
            let harness = try await LogIndexerHarness(environment: ["LOG_INDEXER_CLAIM_IDLE_SECONDS": "1"])
            let org = 55
            let events = EventFactory(organizationID: org)
            try await harness.redis.xgroupCreate(RedisKey.events, group: RedisKey.logIndexerGroup, startID: "0")
            try await harness.publish([events.outbound(.queued, messageID: "stale", at: 0)])
            // A consumer that read the entry and died before acknowledging it.
            let read = try await harness.redis.xreadgroup(
                group: RedisKey.logIndexerGroup, consumer: "dead", streams: [RedisKey.events], count: 10, block: nil)
            #expect(read.count == 1)
            try await Task.sleep(for: .milliseconds(1100))
            try await harness.run { client in
                try await harness.waitUntilIndexed()
                let page = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                #expect(page.total == 1)
            }
        }

        @Test func anotherOrganizationSeesNothing() async throws {
            let harness = try await LogIndexerHarness()
            let owner = 56
            let stranger = 57
            let events = EventFactory(organizationID: owner)
            try await harness.run { client in
                try await harness.publishAndWait(TimelineTests.conversation(events, id: 301))
                let mine = try await client.get("/api/v1/sms-logs/", organization: owner).json(SMSLogPage.self)
                #expect(mine.total == 2)
                let theirs = try await client.get("/api/v1/sms-logs/?search=hello", organization: stranger).json(SMSLogPage.self)
                #expect(theirs.total == 0 && theirs.items.isEmpty)
                #expect(try await client.get("/api/v1/sms-logs/", organization: stranger).json(SMSLogPage.self).total == 0)
                let stats = try await client.get("/api/v1/sms-logs/stats", organization: stranger).json(SMSLogStats.self)
                #expect(stats.total == 0 && stats.byStatus.isEmpty)
                for item in mine.items {
                    #expect(try await client.get("/api/v1/sms-logs/\(item.id)", organization: stranger).status == .notFound)
                }
                #expect(try await client.get("/api/v1/sms/301/logs", organization: stranger).status == .forbidden)
            }
        }
    }
}
