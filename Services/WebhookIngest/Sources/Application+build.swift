import Hummingbird
import SQLiteStore
import ServiceRuntime

/// Builds webhook-ingest: provider webhooks are public (signature-checked); anything else is internal.
package func buildApplication(
    configuration: WebhookIngestConfiguration, databaseLocation: SQLiteDatabase.Location? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: WebhookIngestMigrations.all, databaseLocation: databaseLocation)
    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: ["/webhooks/"]), context: BasicRequestContext.self)
    return host.makeApplication(router: router)
}
