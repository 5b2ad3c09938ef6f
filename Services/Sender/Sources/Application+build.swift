import Hummingbird
import SQLiteStore
import ServiceRuntime

/// Builds the sender: queue consumers, pacing, provider clients and the message status ledger.
package func buildApplication(
    configuration: SenderConfiguration, databaseLocation: SQLiteDatabase.Location? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: SenderMigrations.all, databaseLocation: databaseLocation)
    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: []), context: BasicRequestContext.self)
    return host.makeApplication(router: router)
}
