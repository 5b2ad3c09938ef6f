import Hummingbird
import SQLiteStore
import ServiceRuntime

/// Builds session-manager: sessions, conversations, forwarding to assistants and the calls list. Reached only through the gateway.
package func buildApplication(
    configuration: SessionManagerConfiguration, databaseLocation: SQLiteDatabase.Location? = nil
) throws -> some ApplicationProtocol {
    let host = try ServiceHost(
        configuration: configuration.service, migrations: SessionManagerMigrations.all, databaseLocation: databaseLocation)
    let router = host.makeRouter(access: .internalToken(publicPathPrefixes: []), context: BasicRequestContext.self)
    return host.makeApplication(router: router)
}
