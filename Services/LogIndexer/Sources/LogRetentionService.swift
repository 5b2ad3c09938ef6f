import Foundation
import Logging
import ServiceLifecycle

/// Prunes logs, events and conversations older than `LOG_RETENTION_DAYS` in the background:
/// small batches, each its own short write transaction, so ingest waits at most one batch and
/// reads (on their own WAL connections) never wait.
final class LogRetentionService: Service, Sendable {
    private let repository: LogRepository
    private let retention: Int64
    private let interval: Duration
    private let batchSize: Int
    private let logger: Logger

    init(repository: LogRepository, retentionMilliseconds: Int64, interval: Duration, batchSize: Int, logger: Logger) {
        self.repository = repository
        self.retention = retentionMilliseconds
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
    }

    func run() async throws {
        // Sleeping is cancelled on graceful shutdown; a batch in flight finishes first.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.pruneOnce(now: Date())
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("pruning logs failed", metadata: ["sb.error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Deletes everything older than the retention, batch by batch; returns the rows deleted.
    @discardableResult
    func pruneOnce(now: Date) async throws -> Int {
        let cutoff = Int64(now.timeIntervalSince1970 * 1000) - retention
        var total = 0
        while true {
            let deleted = try await repository.pruneBatch(cutoff: cutoff, batchSize: batchSize)
            total += deleted
            if deleted == 0 || Task.isCancelled { break }
            // Let queued ingest batches in between two prune batches.
            try await Task.sleep(for: .milliseconds(5))
        }
        if total > 0 {
            try await repository.compactCounters()
            logger.info("pruned old logs", metadata: ["sb.row_count": "\(total)"])
        }
        return total
    }
}
