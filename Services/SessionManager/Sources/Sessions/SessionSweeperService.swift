import Logging
import ServiceLifecycle
import WireModels

/// Completes conversations whose session has ended, every `interval`.
///
/// Redis expires a session key on its own; this finds the active conversations that have had no
/// message for a whole session lifetime, checks that their session key is really gone (or names
/// another conversation), completes them with `ended_at` (last activity plus the TTL) and publishes
/// `conversation.completed`. It does not rely on keyspace notifications. It also forgets message
/// ids older than the deduplication retention.
package final class SessionSweeperService: Service, Sendable {
    private let sweeper: SessionSweeper
    private let interval: Duration
    private let logger: Logger

    package init(sweeper: SessionSweeper, interval: Duration, logger: Logger) {
        self.sweeper = sweeper
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let completed = try await sweeper.sweep(organizationID: nil)
                if completed > 0 {
                    logger.info("completed conversations of ended sessions", metadata: ["sb.count": "\(completed)"])
                }
                _ = try await sweeper.pruneProcessed()
            } catch {
                logger.error("session sweep failed", metadata: ["sb.error": "\(error)"])
            }
            // Graceful shutdown ends the pause at once, not after a whole interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}

/// The sweep itself, shared by the sweeper service and `POST /api/v1/sms-sessions/cleanup`.
package struct SessionSweeper: Sendable {
    let repository: ConversationRepository
    let sessions: SessionStore
    let writer: ConversationWriter
    let publisher: EventPublisher
    let processedRetention: Duration

    package init(
        repository: ConversationRepository, sessions: SessionStore, writer: ConversationWriter, publisher: EventPublisher,
        processedRetention: Duration
    ) {
        self.repository = repository
        self.sessions = sessions
        self.writer = writer
        self.publisher = publisher
        self.processedRetention = processedRetention
    }

    /// Completes every active conversation (of one organization, or all) whose session ended;
    /// returns how many it completed.
    package func sweep(organizationID: Int?) async throws -> Int {
        var total = 0
        while true {
            let now = Timestamp.nowMillis()
            let cutoff = now - sessions.ttlMilliseconds
            let idle = try await repository.idleActiveConversations(before: cutoff, organizationID: organizationID, limit: 500)
            guard !idle.isEmpty else { return total }
            let live = try await sessions.liveConversations(idle)
            let ended = idle.filter { !live.contains($0.id) }.map(\.id)
            let completed = try await repository.complete(ids: ended, writer: writer, now: now, idleBefore: cutoff)
            if !completed.isEmpty {
                try await publisher.publish(completed.map { EventPublisher.completed($0, reason: "session_expired", now: now) })
            }
            total += completed.count
            // Rows whose session still lives stay active; stop rather than reading them again.
            if idle.count < 500 || completed.isEmpty { return total }
        }
    }

    /// Forgets message ids older than the retention.
    package func pruneProcessed() async throws -> Int {
        let cutoff = Timestamp.nowMillis() - Int64(processedRetention.components.seconds) * 1000
        var total = 0
        while true {
            let removed = try await repository.pruneProcessedMessages(before: cutoff)
            total += removed
            if removed < 10_000 { return total }
        }
    }
}
