import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// An AsyncHTTPClient owned by the process's ServiceGroup: shut down after graceful shutdown.
/// One client per process, shared by everything that calls out over HTTP.
package final class HTTPClientService: Service, Sendable {
    package let client: HTTPClient

    /// - Parameters:
    ///   - connectTimeout: how long to wait for a connection; a service that is down answers at once.
    ///   - maxConnectionsPerHost: pooled connections per host (HTTP/1.1).
    package init(connectTimeout: Duration = .seconds(2), maxConnectionsPerHost: Int = 64) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .init(connectTimeout)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConnectionsPerHost
        configuration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    package func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
