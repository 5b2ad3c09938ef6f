import Foundation
import GRDB
import Logging
import SQLiteStore
import ServiceLifecycle
import Synchronization

/// Records when each API key was last used without a database write per request: uses are kept
/// in memory and written in one transaction every `flushInterval`, and once more at shutdown.
/// Listings merge the unwritten times, so `last_used_at` is always current in the API.
final class APIKeyUsageRecorder: Service, Sendable {
    private let database: SQLiteDatabase
    private let flushInterval: Duration
    private let logger: Logger
    private let pending = Mutex<[Int64: Double]>([:])

    init(database: SQLiteDatabase, flushInterval: Duration = .seconds(10), logger: Logger) {
        self.database = database
        self.flushInterval = flushInterval
        self.logger = logger
    }

    func record(keyID: Int64, at time: Double = Date().timeIntervalSince1970) {
        pending.withLock { $0[keyID] = time }
    }

    /// The last use not yet written, if any.
    func unwritten(keyID: Int64) -> Double? {
        pending.withLock { $0[keyID] }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.flushInterval)
                await self.flush()
            }
        }
        await flush()
    }

    /// Writes every pending use in one transaction.
    func flush() async {
        let batch = pending.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await database.write { db in
                for (id, time) in batch {
                    try db.execute(
                        sql: "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?",
                        arguments: [time, id])
                }
            }
        } catch {
            // Put them back so the next flush tries again.
            pending.withLock { pending in
                for (id, time) in batch where (pending[id] ?? 0) < time { pending[id] = time }
            }
            logger.warning("API key usage flush failed", metadata: ["sb.error": "\(error)"])
        }
    }
}
