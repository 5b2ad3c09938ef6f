import Foundation
import HummingbirdTesting
import Logging
import SQLiteStore
import Testing
import WireModels

@testable import LogIndexer

extension LogIndexerSuites {
    @Suite struct RetentionTests {
        @Test func retentionPrunesOldLogsAndNeverIndexesExpiredEvents() async throws {
            let harness = try await LogIndexerHarness(environment: ["LOG_RETENTION_DAYS": "30", "LOG_PRUNE_BATCH_SIZE": "2"])
            let org = 61
            let old = EventFactory(organizationID: org, base: Date().addingTimeInterval(-20 * 86_400))
            let recent = EventFactory(organizationID: org, base: Date().addingTimeInterval(-2 * 86_400))
            let expired = EventFactory(organizationID: org, base: Date().addingTimeInterval(-40 * 86_400))
            try await harness.run { client in
                var batch: [MessageEvent] = []
                for index in 0..<5 {
                    batch.append(old.outbound(.queued, messageID: "old-\(index)", at: Double(index), body: "ancient \(index)"))
                }
                batch.append(old.audit(.conversationStarted, at: 0, conversationID: 401))
                batch.append(recent.outbound(.queued, messageID: "new-0", at: 0, body: "fresh"))
                batch.append(expired.outbound(.queued, messageID: "gone", at: 0, body: "expired"))
                try await harness.publishAndWait(batch)
                #expect(try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self).total == 6)
                #expect(try await client.get("/api/v1/sms-logs/?search=expired", organization: org).json(SMSLogPage.self).total == 0)

                // Eleven days later the old ones are past the 30 days; pruning runs in batches of 2.
                let database = try SQLiteDatabase(
                    location: .file(harness.configuration.service.databasePath), migrations: LogIndexerMigrations.all,
                    logger: Logger(label: "test.sqlite"))
                let pruner = LogRetentionService(
                    repository: LogRepository(database: database), retentionMilliseconds: harness.configuration.retentionMilliseconds,
                    interval: .seconds(60), batchSize: 2, logger: Logger(label: "test.prune"))
                let deleted = try await pruner.pruneOnce(now: Date().addingTimeInterval(11 * 86_400))
                #expect(deleted >= 6)

                let page = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                #expect(page.items.map(\.body) == ["fresh"] && page.total == 1)
                #expect(try await client.get("/api/v1/sms-logs/?search=ancient", organization: org).json(SMSLogPage.self).total == 0)
                #expect(try await client.get("/api/v1/sms-logs/stats", organization: org).json(SMSLogStats.self).total == 1)
                #expect(try await client.get("/api/v1/sms/401/logs", organization: org).status == .notFound)
            }
        }
    }
}
