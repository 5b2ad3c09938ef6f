import Foundation
import Hummingbird
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import ServiceRuntime

/// Builds log-indexer: SMS delivery logs, stats and debug timelines. Reached only through the gateway.
///
/// Services start in this order and stop in reverse: the shared Redis pool, the consumer's own
/// Redis client, the batched writer, the `sms:events` consumer, the pruner, then HTTP.
package func buildApplication(
    configuration: LogIndexerConfiguration, databaseLocation: SQLiteDatabase.Location? = nil, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: LogIndexerMigrations.all, databaseLocation: databaseLocation,
        logger: logger)
    let repository = LogRepository(database: host.database)
    try repository.tuneWriter()
    let retention = configuration.retentionMilliseconds
    let writerLogger = host.logger
    let writer = BatchedWriter<IndexedEvent>(
        database: host.database, maxBatchSize: 2000, maxDelay: .milliseconds(5), logger: host.logger
    ) { db, events in
        let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - retention
        try LogRepository.apply(events, in: db, retentionCutoff: cutoff, logger: writerLogger)
    }

    // Blocking reads hold their connections: the consumer gets a small client of its own.
    var consumerRedisConfiguration = configuration.service.redis
    consumerRedisConfiguration.poolSize = configuration.consumerCount + 1
    let consumerRedis = RedisClient(configuration: consumerRedisConfiguration, logger: host.logger)
    let consumer = LogEventConsumer(
        redis: consumerRedis, writer: writer, logger: host.logger,
        consumerName: "log-indexer-\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
        workerCount: configuration.consumerCount, readCount: configuration.readCount, readBlock: configuration.readBlock,
        claimIdle: configuration.claimIdle)
    let pruner = LogRetentionService(
        repository: repository, retentionMilliseconds: retention, interval: configuration.pruneInterval,
        batchSize: configuration.pruneBatchSize, logger: host.logger)

    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: []), context: BasicRequestContext.self)
    let names = AssistantNameCache(
        directory: DirectoryReader(redis: host.redis, secrets: SecretBox(key: configuration.service.secretsKey)),
        ttl: configuration.assistantNameTTL)
    LogsController<BasicRequestContext>(repository: repository, assistantNames: names).addRoutes(to: router)
    return host.makeApplication(router: router, services: [consumerRedis, writer, consumer, pruner])
}
