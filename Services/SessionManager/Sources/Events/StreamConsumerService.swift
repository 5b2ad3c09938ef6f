import Logging
import RedisStore
import ServiceLifecycle
import WireModels

/// Reads one stream with session-manager's consumer group and hands each batch to a processor,
/// which acknowledges entries once their effect has committed.
///
/// At start it creates the group (from id `0`, so entries written before the first start are
/// read too) and re-reads this consumer's own unacknowledged entries; then it reads new ones. Every
/// `reclaimIdle` it claims entries another consumer has left unacknowledged that long (a replica
/// that died). A failing batch is retried after a pause; nothing is acknowledged until it succeeds.
/// Blocking reads run on `redis`, a client of its own with a small pool, so they never hold up the
/// clients that serve requests.
package final class StreamConsumerService: Service, Sendable {
    package typealias Processor = @Sendable ([RedisStreamEntry]) async throws -> Void

    private let stream: String
    private let redis: RedisClient
    private let consumer: String
    private let batchSize: Int
    private let block: Duration
    private let reclaimIdle: Duration
    private let logger: Logger
    private let process: Processor

    package init(
        stream: String, redis: RedisClient, consumer: String, batchSize: Int, block: Duration, reclaimIdle: Duration, logger: Logger,
        process: @escaping Processor
    ) {
        self.stream = stream
        self.redis = redis
        self.consumer = consumer
        self.batchSize = batchSize
        self.block = block
        self.reclaimIdle = reclaimIdle
        var logger = logger
        logger[metadataKey: "sb.stream"] = "\(stream)"
        self.logger = logger
        self.process = process
    }

    package func run() async throws {
        let group = RedisKey.sessionManagerGroup
        var groupReady = false
        var readingOwnPending = true
        var lastReclaim = ContinuousClock.now
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !groupReady {
                    try await redis.xgroupCreate(stream, group: group, startID: "0")
                    groupReady = true
                }
                if ContinuousClock.now - lastReclaim >= reclaimIdle {
                    lastReclaim = .now
                    try await reclaim(group: group)
                }
                let entries = try await redis.xreadgroup(
                    group: group, consumer: consumer, streams: [stream], count: batchSize, block: readingOwnPending ? nil : block,
                    ids: readingOwnPending ? ["0"] : nil)
                if readingOwnPending && entries.isEmpty {
                    readingOwnPending = false
                    continue
                }
                if !entries.isEmpty {
                    try await process(entries)
                }
                failures = 0
            } catch {
                failures += 1
                if case RedisError.server(let message) = error, message.hasPrefix("NOGROUP") {
                    groupReady = false
                }
                logger.error("stream batch failed", metadata: ["sb.error": "\(error)", "sb.failures": "\(failures)"])
                // The batch stays pending; read it again from our own pending entries.
                readingOwnPending = true
                let pause = Duration.milliseconds(min(5000, 100 * (1 << min(failures, 6))))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
    }

    private func reclaim(group: String) async throws {
        var start = "0-0"
        repeat {
            let result = try await redis.xautoclaim(
                stream, group: group, consumer: consumer, minIdle: reclaimIdle, start: start, count: batchSize)
            if !result.entries.isEmpty {
                logger.notice("claimed abandoned entries", metadata: ["sb.count": "\(result.entries.count)"])
                try await process(result.entries)
            }
            start = result.nextStart
        } while start != "0-0" && !Task.isShuttingDownGracefully
    }
}
