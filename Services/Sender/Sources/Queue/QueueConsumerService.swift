import Synchronization
import Logging
import RedisStore
import ServiceLifecycle
import WireModels

/// Consumes one provider's queue stream (`sms:queue:{provider}`) in consumer group `sender`, with
/// up to `SENDER_CONCURRENCY` messages in flight.
///
/// Reads block on a `RedisClient` of its own (one connection), so a waiting read never holds a
/// connection of the shared pool. On graceful shutdown it stops reading and lets the messages in
/// flight finish.
final class QueueConsumerService: Service, Sendable {
    let provider: String
    private let dispatcher: MessageDispatcher
    private let inFlight: InFlightEntries
    private let redisConfiguration: RedisConfiguration
    private let consumerName: String
    private let concurrency: Int
    private let logger: Logger

    /// How long one read waits for new entries. It also bounds how late shutdown is noticed, and
    /// the service group stops the three consumers one after another, so it is kept short.
    static let readBlock: Duration = .milliseconds(250)

    init(
        provider: String, dispatcher: MessageDispatcher, inFlight: InFlightEntries, redisConfiguration: RedisConfiguration,
        consumerName: String, concurrency: Int, logger: Logger
    ) {
        self.provider = provider
        self.dispatcher = dispatcher
        self.inFlight = inFlight
        var redisConfiguration = redisConfiguration
        redisConfiguration.poolSize = 1
        self.redisConfiguration = redisConfiguration
        self.consumerName = consumerName
        self.concurrency = concurrency
        var logger = logger
        logger[metadataKey: "sb.provider"] = "\(provider)"
        self.logger = logger
    }

    func run() async throws {
        let stream = RedisKey.queue(provider: provider)
        let reader = RedisClient(configuration: redisConfiguration, logger: logger)
        let stop = StopSignal()
        let running = RunningCount()
        let (freed, freedContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

        await withGracefulShutdownHandler {
            guard await self.createGroup(reader, stream: stream, stop: stop) else { return }
            self.logger.info("queue consumer started", metadata: ["sb.consumer": "\(self.consumerName)"])
            await withDiscardingTaskGroup { group in
                var slotFreed = freed.makeAsyncIterator()
                while !stop.isStopped {
                    let free = self.concurrency - running.value
                    if free <= 0 {
                        _ = await slotFreed.next()
                        continue
                    }
                    let entries: [RedisStreamEntry]
                    do {
                        entries = try await reader.xreadgroup(
                            group: RedisKey.senderGroup, consumer: self.consumerName, streams: [stream], count: free,
                            block: Self.readBlock)
                    } catch {
                        if stop.isStopped { break }
                        self.logger.warning("queue read failed", metadata: ["sb.error": "\(error)"])
                        try? await Task.sleep(for: .seconds(1))
                        continue
                    }
                    for entry in entries {
                        running.add(1)
                        self.inFlight.insert(entry.id, stream: stream)
                        group.addTask {
                            await self.dispatcher.process(entry, queueProvider: self.provider, stop: stop)
                            self.inFlight.remove(entry.id, stream: stream)
                            running.add(-1)
                            freedContinuation.yield()
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            stop.stop()
            freedContinuation.yield()
        }
        freedContinuation.finish()
        await reader.shutdown()
        logger.info("queue consumer stopped")
    }

    /// Creates the group (and the stream) from id `0`, retrying while Redis is unreachable.
    private func createGroup(_ redis: RedisClient, stream: String, stop: StopSignal) async -> Bool {
        while !stop.isStopped {
            do {
                try await redis.xgroupCreate(stream, group: RedisKey.senderGroup, startID: "0", makeStream: true)
                return true
            } catch {
                logger.warning("cannot create the consumer group yet", metadata: ["sb.error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return false
    }
}

/// Messages in flight in one consumer.
final class RunningCount: Sendable {
    private let count = Mutex<Int>(0)

    var value: Int { count.withLock { $0 } }

    func add(_ delta: Int) { count.withLock { $0 += delta } }
}
