import AsyncHTTPClient
import Hummingbird
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import ServiceRuntime
import WireModels

/// Builds session-manager: sessions, conversations, forwarding to assistants and the calls list.
/// Reached only through the gateway.
///
/// Services start in this order and stop in reverse: the request Redis pool, the consumers' own
/// Redis client, the HTTP client, the batched writer, then the `sms:events` and `calls:ingest`
/// consumers, the forwarder and the session sweeper; so on shutdown the consumers stop before the
/// writer drains, and the writer before Redis closes.
package func buildApplication(
    configuration: SessionManagerConfiguration, databaseLocation: SQLiteDatabase.Location? = nil, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: SessionManagerMigrations.all, databaseLocation: databaseLocation,
        logger: logger)
    let logger = host.logger
    var consumerRedisConfiguration = configuration.service.redis
    // Two blocking readers (sms:events and calls:ingest), each holding a connection while it waits.
    consumerRedisConfiguration.poolSize = 2
    let consumerRedis = RedisClient(configuration: consumerRedisConfiguration, logger: logger)
    let http = HTTPClientService()
    let directory = DirectoryReader(redis: host.redis, secrets: SecretBox(key: configuration.service.secretsKey))
    let sessions = SessionStore(redis: host.redis, ttl: configuration.sessionTTL)
    let conversationWriter = ConversationWriter(sessionTTL: configuration.sessionTTL)
    let repository = ConversationRepository(database: host.database)
    let publisher = EventPublisher(redis: host.redis, logger: logger)
    let forwardingSignal = WakeSignal()
    let writer = BatchedWriter<SessionWrite>(
        database: host.database, maxBatchSize: max(500, configuration.eventsBatchSize), maxDelay: .milliseconds(2), logger: logger
    ) { db, items in try conversationWriter.apply(db, items) }

    let events = MessageEventProcessor(
        redis: host.redis, writer: writer, directory: directory, sessions: sessions, forwardingSignal: forwardingSignal, logger: logger)
    let eventsConsumer = StreamConsumerService(
        stream: RedisKey.events, redis: consumerRedis, consumer: configuration.consumerName, batchSize: configuration.eventsBatchSize,
        block: configuration.eventsBlock, reclaimIdle: configuration.reclaimIdle, logger: logger, process: events.process)
    let calls = CallIngestProcessor(redis: host.redis, writer: writer, directory: directory, logger: logger)
    let callsConsumer = StreamConsumerService(
        stream: RedisKey.callsIngest, redis: consumerRedis, consumer: configuration.consumerName,
        batchSize: configuration.eventsBatchSize, block: configuration.eventsBlock, reclaimIdle: configuration.reclaimIdle,
        logger: logger, process: calls.process)
    let forwarder = ForwardingService(
        database: host.database, writer: writer, directory: directory, publisher: publisher, httpClient: http.client,
        policy: configuration.forwarding,
        signal: forwardingSignal, logger: logger)
    let sweeper = SessionSweeper(
        repository: repository, sessions: sessions, writer: conversationWriter, publisher: publisher,
        processedRetention: configuration.processedRetention)
    let sweeperService = SessionSweeperService(sweeper: sweeper, interval: configuration.sweepInterval, logger: logger)

    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: []), context: BasicRequestContext.self)
    ConversationController(repository: repository, sessions: sessions, publisher: publisher).addRoutes(to: router)
    SessionController(sessions: sessions, repository: repository, writer: conversationWriter, sweeper: sweeper, publisher: publisher)
        .addRoutes(to: router)
    CallController(repository: repository).addRoutes(to: router)
    return host.makeApplication(
        router: router,
        services: [consumerRedis, http, writer, eventsConsumer, callsConsumer, forwarder, sweeperService])
}
