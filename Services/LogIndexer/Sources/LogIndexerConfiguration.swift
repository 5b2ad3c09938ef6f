import ServiceRuntime

/// log-indexer's configuration: the shared variables.
package struct LogIndexerConfiguration: Sendable {
    package var service: ServiceConfiguration

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .logIndexer, environment: environment)
    }
}
