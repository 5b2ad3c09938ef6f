import ServiceRuntime

/// session-manager's configuration: the shared variables.
package struct SessionManagerConfiguration: Sendable {
    package var service: ServiceConfiguration

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .sessionManager, environment: environment)
    }
}
