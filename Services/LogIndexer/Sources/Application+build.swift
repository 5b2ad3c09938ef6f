import Hummingbird
import SQLiteStore
import ServiceRuntime

/// Builds log-indexer: SMS delivery logs, stats and debug timelines. Reached only through the gateway.
package func buildApplication(
    configuration: LogIndexerConfiguration, databaseLocation: SQLiteDatabase.Location? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: LogIndexerMigrations.all, databaseLocation: databaseLocation)
    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: []), context: BasicRequestContext.self)
    return host.makeApplication(router: router)
}
