import Logging
import RedisStore
import ServiceLifecycle
import WireModels

/// Finishes what dead senders left behind, and keeps this process's own work from looking dead.
///
/// Twice per `SENDER_CLAIM_IDLE_SECONDS` it renews the idle time of every entry this process is
/// working on (`XCLAIM … JUSTID` to itself), then takes over entries of every queue stream that
/// have been pending longer than that (`XAUTOCLAIM`) and processes them like fresh ones. A message
/// found `sending` is one whose sender died mid-call: the claim script re-sends it at most once.
final class PendingClaimerService: Service, Sendable {
    private let redis: RedisClient
    private let dispatcher: MessageDispatcher
    private let inFlight: InFlightEntries
    private let consumerName: String
    private let minIdle: Duration
    private let batchSize: Int
    private let logger: Logger

    init(
        redis: RedisClient, dispatcher: MessageDispatcher, inFlight: InFlightEntries, consumerName: String, minIdle: Duration,
        batchSize: Int, logger: Logger
    ) {
        self.redis = redis
        self.dispatcher = dispatcher
        self.inFlight = inFlight
        self.consumerName = consumerName
        self.minIdle = minIdle
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// How often entries are renewed and idle ones looked for.
    var interval: Duration { minIdle / 2 }

    func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            // Renewals must go on while claimed entries are being processed, so they get a loop of their own.
            await withDiscardingTaskGroup { group in
                group.addTask { await self.renewLoop(stop: stop) }
                group.addTask { await self.claimLoop(stop: stop) }
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    private func renewLoop(stop: StopSignal) async {
        while !stop.isStopped {
            await sleep(interval, stop: stop)
            for provider in RedisKey.providers {
                let stream = RedisKey.queue(provider: provider)
                let ids = inFlight.ids(stream: stream)
                guard !ids.isEmpty else { continue }
                do {
                    _ = try await redis.command(
                        ["XCLAIM", stream, RedisKey.senderGroup, consumerName, "0"] + ids + ["JUSTID"])
                } catch {
                    logger.warning("cannot renew entries in flight", metadata: ["sb.error": "\(error)"])
                }
            }
        }
    }

    private func claimLoop(stop: StopSignal) async {
        while !stop.isStopped {
            await sleep(interval, stop: stop)
            for provider in RedisKey.providers where !stop.isStopped {
                await claimIdleEntries(provider: provider, stop: stop)
            }
        }
    }

    /// Takes over and processes the idle entries of one provider's stream.
    func claimIdleEntries(provider: String, stop: StopSignal) async {
        let stream = RedisKey.queue(provider: provider)
        var start = "0-0"
        repeat {
            let result: RedisAutoclaimResult
            do {
                result = try await redis.xautoclaim(
                    stream, group: RedisKey.senderGroup, consumer: consumerName, minIdle: minIdle, start: start, count: batchSize)
            } catch RedisError.server(let message) where message.hasPrefix("NOGROUP") {
                return
            } catch {
                logger.warning("cannot claim idle entries", metadata: ["sb.provider": "\(provider)", "sb.error": "\(error)"])
                return
            }
            if !result.entries.isEmpty {
                logger.notice(
                    "taking over idle queue entries", metadata: ["sb.provider": "\(provider)", "sb.count": "\(result.entries.count)"])
            }
            await withDiscardingTaskGroup { group in
                for entry in result.entries {
                    inFlight.insert(entry.id, stream: stream)
                    group.addTask {
                        await self.dispatcher.process(entry, queueProvider: provider, stop: stop)
                        self.inFlight.remove(entry.id, stream: stream)
                    }
                }
            }
            start = result.nextStart
        } while start != "0-0" && !stop.isStopped
    }

    private func sleep(_ duration: Duration, stop: StopSignal) async {
        // Short steps, so shutdown is noticed within a quarter second.
        let deadline = ContinuousClock.now + duration
        while !stop.isStopped, ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(250), deadline - ContinuousClock.now))
        }
    }
}
