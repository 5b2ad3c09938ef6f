import Hummingbird
import Logging
import Providers
import SQLiteStore
import ServiceLifecycle
import ServiceRuntime
import WireModels

/// Builds the sender: queue consumers, pacing, provider clients, retries and the message status
/// ledger, and the internal routes (status, cancel, queue stats, immediate send).
///
/// Services start in dependency order: the Redis pool, the HTTP client, the ledger writer, one
/// consumer per provider, the retry mover, the idle-entry claimer, then the HTTP server; graceful
/// shutdown stops them in reverse, so the consumers finish before the ledger writer drains.
package func buildApplication(
    configuration: SenderConfiguration, databaseLocation: SQLiteDatabase.Location? = nil, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: SenderMigrations.all, databaseLocation: databaseLocation, logger: logger)
    let httpClient = HTTPClientService(connectTimeout: .seconds(2), maxConnectionsPerHost: configuration.concurrency)
    let providers = ProviderClients(
        httpClient: httpClient.client,
        baseURLs: [
            .twilio: configuration.twilioAPIBase, .telnyx: configuration.telnyxAPIBase, .vonage: configuration.vonageAPIBase,
        ],
        timeout: configuration.providerTimeout, logger: host.logger)
    let ledger = StatusLedger(database: host.database, logger: host.logger)
    let dispatcher = MessageDispatcher(
        redis: host.redis, directory: DirectoryCache(redis: host.redis, secrets: SecretBox(key: configuration.service.secretsKey)),
        providers: providers, pacing: PacingLimiter(redis: host.redis, configuration: configuration), ledger: ledger,
        configuration: configuration, logger: host.logger)
    let inFlight = InFlightEntries()
    let consumers: [any Service] = RedisKey.providers.map { provider in
        QueueConsumerService(
            provider: provider, dispatcher: dispatcher, inFlight: inFlight, redisConfiguration: configuration.service.redis,
            consumerName: configuration.consumerName, concurrency: configuration.concurrency, logger: host.logger)
    }
    let mover = RetryMoverService(redis: host.redis, logger: host.logger)
    let claimer = PendingClaimerService(
        redis: host.redis, dispatcher: dispatcher, inFlight: inFlight, consumerName: configuration.consumerName,
        minIdle: configuration.claimIdle, batchSize: configuration.concurrency, logger: host.logger)

    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: []), context: BasicRequestContext.self)
    MessageController(redis: host.redis, ledger: ledger, configuration: configuration).addRoutes(to: router)
    InternalSendController(dispatcher: dispatcher).addRoutes(to: router)
    return host.makeApplication(router: router, services: [httpClient, ledger.writer] + consumers + [mover, claimer])
}
