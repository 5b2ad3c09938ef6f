import Hummingbird
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import WireModels

/// What every process stands on: its configuration, logger, Redis pool and SQLite store, and the
/// standard HTTP set-up (request ids, `{"detail"}` errors, internal auth, `/health`, `/ready`).
package struct ServiceHost: Sendable {
    /// Who may call the process's routes.
    package enum Access: Sendable {
        /// Anyone (the gateway authenticates callers itself).
        case open
        /// Only callers with `X-Internal-Token`, except `/health`, `/ready` and these path prefixes.
        case internalToken(publicPathPrefixes: [String])
    }

    package let configuration: ServiceConfiguration
    package let logger: Logger
    package let redis: RedisClient
    package let database: SQLiteDatabase

    /// Opens `<DATA_DIR>/<process>.sqlite` (or memory) with `migrations` and prepares the Redis pool.
    /// Nothing connects to Redis until first use, so a process starts while Redis is down and turns
    /// ready when it comes back.
    package init(
        configuration: ServiceConfiguration,
        migrations: [SQLiteMigration],
        databaseLocation: SQLiteDatabase.Location? = nil,
        logger: Logger? = nil
    ) throws {
        self.configuration = configuration
        let logger = logger ?? ServiceLogging.logger(for: configuration.service, level: configuration.logLevel)
        self.logger = logger
        self.database = try SQLiteDatabase(
            location: databaseLocation ?? .file(configuration.databasePath), migrations: migrations, logger: logger)
        self.redis = RedisClient(configuration: configuration.redis, logger: logger)
    }

    /// The probes behind `GET /ready`.
    package var readinessChecks: [ReadinessCheck] {
        [
            ReadinessCheck("redis") { [redis] in try await redis.ping() },
            ReadinessCheck("sqlite") { [database] in try await database.checkReachable() },
        ]
    }

    /// A router with the standard middleware and the health routes; add the process's routes to it.
    package func makeRouter<Context: RequestContext>(
        access: Access, context: Context.Type = Context.self
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: DetailErrorMiddleware())
        if case .internalToken(let prefixes) = access {
            router.add(middleware: InternalTokenMiddleware(token: configuration.internalToken, publicPathPrefixes: prefixes))
        }
        HealthController<Context>(service: configuration.service, checks: readinessChecks).addRoutes(to: router)
        return router
    }

    /// The Hummingbird application: the Redis pool starts first, then `services` in order, then the
    /// HTTP server; SIGTERM and SIGINT shut them down gracefully in reverse order.
    package func makeApplication<Context: RequestContext>(
        router: Router<Context>, services: [any Service] = []
    ) -> Application<RouterResponder<Context>> {
        Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.service.rawValue
            ),
            services: [redis] + services,
            logger: logger
        )
    }
}
