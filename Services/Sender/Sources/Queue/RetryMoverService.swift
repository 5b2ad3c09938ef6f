import Logging
import RedisStore
import ServiceLifecycle
import WireModels

/// Moves retries (and messages set aside by pacing) whose time has come from `sms:retry:{provider}`
/// back onto `sms:queue:{provider}`, atomically (``SenderScripts/moveDue``), every `interval`.
final class RetryMoverService: Service, Sendable {
    private let redis: RedisClient
    private let interval: Duration
    private let logger: Logger

    /// Most entries moved per script call; a full batch is followed at once by another.
    static let batchSize = 500

    init(redis: RedisClient, interval: Duration = .milliseconds(100), logger: Logger) {
        self.redis = redis
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            while !stop.isStopped {
                for provider in RedisKey.providers {
                    await self.moveDue(provider: provider)
                }
                try? await Task.sleep(for: self.interval)
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    /// Moves every due entry of one provider.
    func moveDue(provider: String) async {
        do {
            var moved = Self.batchSize
            while moved == Self.batchSize {
                let reply = try await redis.eval(
                    SenderScripts.moveDue, keys: [RedisKey.retries(provider: provider), RedisKey.queue(provider: provider)],
                    arguments: [String(Self.batchSize)])
                moved = reply.int ?? 0
            }
        } catch {
            logger.warning("cannot move due retries", metadata: ["sb.provider": "\(provider)", "sb.error": "\(error)"])
        }
    }
}
