import Hummingbird
import Logging

/// Builds the provider sandbox: the three emulated send APIs, the `/sandbox` routes, and the
/// callback dispatcher, in one Hummingbird application.
///
/// - Parameters:
///   - configuration: where to listen and how to behave.
///   - state: pass one (built from the same configuration) to inspect the sandbox in-process;
///     by default a fresh one.
///   - onServerRunning: called with the bound port once the server accepts connections.
public func buildSandboxApplication(
    configuration: SandboxConfiguration,
    state: SandboxState? = nil,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var logger = Logger(label: SandboxLogging.label)
    logger.logLevel = configuration.logLevel
    let state = state ?? SandboxState(configuration: configuration)
    let dispatcher = CallbackDispatcher(state: state, logger: logger)
    let pipeline = SendPipeline(state: state, dispatcher: dispatcher)

    let router = Router(context: BasicRequestContext.self)
    TwilioController(pipeline: pipeline).addRoutes(to: router)
    TelnyxController(pipeline: pipeline).addRoutes(to: router)
    VonageController(pipeline: pipeline).addRoutes(to: router)
    SandboxController(state: state).addRoutes(to: router)

    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "provider-sandbox"),
        services: [dispatcher],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
