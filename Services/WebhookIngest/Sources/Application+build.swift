import Hummingbird
import Logging
import SQLiteStore
import ServiceRuntime

/// Builds webhook-ingest: provider webhooks are public (signature-checked); anything else is internal.
package func buildApplication(
    configuration: WebhookIngestConfiguration, databaseLocation: SQLiteDatabase.Location? = nil, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: WebhookIngestMigrations.all,
        databaseLocation: databaseLocation,
        logger: logger)
    let archive = RequestArchive(
        database: host.database, retentionDays: configuration.archiveRetentionDays, logger: host.logger)
    let processor = WebhookProcessor(
        redis: host.redis,
        owners: DirectoryCache(redis: host.redis, secrets: SecretBox(key: configuration.service.secretsKey)),
        archive: archive, configuration: configuration, logger: host.logger)
    let router = host.makeRouter(
        access: .internalToken(publicPathPrefixes: ["/webhooks/"]), context: BasicRequestContext.self)
    WebhookController(processor: processor).addRoutes(to: router)
    return host.makeApplication(router: router, services: [archive])
}
