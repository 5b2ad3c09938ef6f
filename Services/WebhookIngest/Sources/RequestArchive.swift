import Foundation
import GRDB
import Logging
import SQLiteStore
import ServiceLifecycle
import Synchronization

/// Keeps every provider request webhook-ingest received, for debugging and replay, without
/// holding up the reply: requests are handed over in memory and written in batches; rows older
/// than the retention are pruned in small batches in the background.
final class RequestArchive: Service, Sendable {
    private let database: SQLiteDatabase
    private let retention: Duration
    private let flushInterval: Duration
    private let logger: Logger
    private let pending = Mutex<[ArchivedRequest]>([])
    /// Under a flood the archive drops new rows rather than grow without end.
    private let capacity = 50_000

    init(database: SQLiteDatabase, retentionDays: Int, flushInterval: Duration = .milliseconds(20), logger: Logger) {
        self.database = database
        self.retention = .seconds(retentionDays * 86_400)
        self.flushInterval = flushInterval
        self.logger = logger
    }

    /// Hands a request to the archive; never blocks.
    func record(_ request: ArchivedRequest) {
        pending.withLock { pending in
            if pending.count < capacity { pending.append(request) }
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var sincePrune = ContinuousClock.now - .seconds(3600)
            while !Task.isCancelled {
                await self.flush()
                if ContinuousClock.now - sincePrune > .seconds(60) {
                    await self.prune()
                    sincePrune = ContinuousClock.now
                }
                try? await Task.sleep(for: self.flushInterval)
            }
        }
        await flush()
    }

    /// Writes everything handed over so far in one transaction.
    func flush() async {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        if !batch.isEmpty { await write(batch) }
    }

    func write(_ batch: [ArchivedRequest]) async {
        do {
            try await database.write { db in
                for request in batch {
                    try db.execute(
                        sql: """
                            INSERT INTO webhook_requests (received_at, provider, method, path, query, headers, body, outcome,
                                status_code, detail, organization_id, provider_message_id)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            request.receivedAt, request.provider, request.method, request.path, request.query, request.headers,
                            request.body, request.outcome, request.statusCode, request.detail, request.organizationID,
                            request.providerMessageID,
                        ])
                }
            }
        } catch {
            logger.warning("webhook archive write failed", metadata: ["sb.error": "\(error)", "sb.count": "\(batch.count)"])
        }
    }

    /// Deletes rows past the retention, 1,000 at a time so writers are never held up for long.
    func prune(now: Date = Date()) async {
        let cutoff = now.timeIntervalSince1970 - Double(retention.components.seconds)
        do {
            while true {
                let deleted = try await database.write { db in
                    try db.execute(
                        sql: "DELETE FROM webhook_requests WHERE id IN (SELECT id FROM webhook_requests WHERE received_at < ? LIMIT 1000)",
                        arguments: [cutoff])
                    return db.changesCount
                }
                if deleted < 1000 { break }
            }
        } catch {
            logger.warning("webhook archive prune failed", metadata: ["sb.error": "\(error)"])
        }
    }
}
