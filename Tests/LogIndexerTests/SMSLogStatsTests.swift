import Hummingbird
import Foundation
import HummingbirdTesting
import Testing
import WireModels

@testable import LogIndexer

extension LogIndexerSuites {
    @Suite struct SMSLogStatsTests {
        @Test func statsCountByDirectionStatusAndProviderOverARange() async throws {
            let harness = try await LogIndexerHarness()
            let org = 31
            // Twenty days ago at 10:20 UTC, so ranges cut hours in the middle.
            let day = (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 - 20 * 86_400
            let events = EventFactory(organizationID: org, base: Date(timeIntervalSince1970: day + 10 * 3600 + 20 * 60))
            try await harness.run { client in
                var batch: [MessageEvent] = []
                // 6 outbound: 3 delivered (telnyx), 1 failed (twilio), 1 undelivered (vonage), 1 sent (telnyx).
                for index in 0..<3 {
                    batch.append(events.outbound(.queued, messageID: "s\(index)", at: Double(index) * 1800))
                    batch.append(events.receipt(.delivered, messageID: "s\(index)", providerMessageID: "p\(index)", at: Double(index) * 1800 + 60, providerStatus: "delivered"))
                }
                batch.append(events.outbound(.failed, messageID: "s3", at: 5400, provider: "twilio", errorCode: "21610"))
                batch.append(events.outbound(.queued, messageID: "s4", at: 7200, provider: "vonage"))
                batch.append(events.receipt(.undelivered, messageID: "s4", providerMessageID: "p4", at: 7260, provider: "vonage", providerStatus: "rejected"))
                batch.append(events.outbound(.sent, messageID: "s5", at: 9000, providerMessageID: "p5"))
                // 2 inbound (twilio), one of them a week later.
                batch.append(events.inbound(messageID: "r0", at: 3000, body: "hello"))
                batch.append(events.inbound(messageID: "r1", at: 7 * 86_400, body: "later"))
                try await harness.publishAndWait(batch)

                let all = try await client.get("/api/v1/sms-logs/stats", organization: org).json(SMSLogStats.self)
                #expect(all.total == 8)
                #expect(all.byDirection == ["outbound": 6, "inbound": 2])
                #expect(all.byStatus == ["delivered": 3, "failed": 1, "undelivered": 1, "sent": 1, "received": 2])
                #expect(all.byProvider == ["telnyx": 4, "twilio": 3, "vonage": 1])
                #expect(all.failedCount == 2)
                #expect(all.successRate == 75.0)

                // From 10:50 (mid-hour) to 12:20 (mid-hour): s1 (10:50), r0 (11:10), s2 (11:20), s3 (11:50), s4 (12:20).
                let range = try await client.get(
                    "/api/v1/sms-logs/stats?date_from=\(events.time(1800))&date_to=\(events.time(7200))", organization: org
                ).json(SMSLogStats.self)
                #expect(range.total == 5)
                #expect(range.byStatus == ["delivered": 2, "received": 1, "failed": 1, "undelivered": 1])
                #expect(range.failedCount == 2)
                #expect(range.successRate == 60.0)

                // Plain dates: the first day holds everything but the inbound message a week later.
                let date = String(events.time(0).prefix(10))
                let byDay = try await client.get("/api/v1/sms-logs/stats?date_from=\(date)&date_to=\(date)", organization: org).json(SMSLogStats.self)
                #expect(byDay.total == 7)
                let list = try await client.get("/api/v1/sms-logs/?date_from=\(date)&date_to=\(date)&limit=1", organization: org).json(SMSLogPage.self)
                #expect(list.total == 7 && list.hasMore, "list totals agree with stats")

                let object = try await client.get("/api/v1/sms-logs/stats?date_from=\(date)", organization: org).object()
                #expect(Set(object.keys) == ["total", "by_direction", "by_status", "by_provider", "failed_count", "success_rate"])

                let empty = try await client.get("/api/v1/sms-logs/stats", organization: org + 1).json(SMSLogStats.self)
                #expect(empty == SMSLogStats(total: 0, byDirection: [:], byStatus: [:], byProvider: [:], failedCount: 0, successRate: 0))

                let bad = try await client.get("/api/v1/sms-logs/stats?date_from=soon", organization: org)
                #expect(bad.status == .unprocessableContent)
            }
        }

        @Test func successRateReproducesTheSeedExample() throws {
            // The seed's marginals: 240 logs, 93 inbound / 147 outbound, 130 sent / 90 delivered / 20 failed.
            var counts: [LogCountKey: Int] = [:]
            counts[LogCountKey(direction: "inbound", status: "sent", provider: "telnyx")] = 93
            counts[LogCountKey(direction: "outbound", status: "sent", provider: "twilio")] = 37
            counts[LogCountKey(direction: "outbound", status: "delivered", provider: "telnyx")] = 67
            counts[LogCountKey(direction: "outbound", status: "delivered", provider: "vonage")] = 23
            counts[LogCountKey(direction: "outbound", status: "failed", provider: "vonage")] = 17
            counts[LogCountKey(direction: "outbound", status: "failed", provider: "twilio")] = 3
            let stats = LogsController<BasicTestContext>.stats(counts)
            #expect(stats.total == 240)
            #expect(stats.byDirection == ["inbound": 93, "outbound": 147])
            #expect(stats.byStatus == ["sent": 130, "delivered": 90, "failed": 20])
            #expect(stats.byProvider == ["twilio": 40, "telnyx": 160, "vonage": 40])
            #expect(stats.failedCount == 20)
            #expect(stats.successRate == 91.67)
        }
    }
}

typealias BasicTestContext = Hummingbird.BasicRequestContext
