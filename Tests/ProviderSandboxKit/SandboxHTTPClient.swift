import AsyncHTTPClient
import Hummingbird

/// The one HTTP client the sandbox POSTs webhooks with. A process-wide client is never shut down
/// (like `HTTPClient.shared`), so an application that is built but never run leaks nothing that
/// asserts; its own configuration allows more connections per host than the shared one, since a
/// benchmark may have thousands of callbacks in flight to one webhook receiver.
enum SandboxHTTPClient {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(2))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A refused connection fails the attempt at once; the dispatcher does its own bounded retries.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// POSTs `request`; never throws: a failure comes back as `WebhookResponse.error`.
    static func post(_ request: WebhookRequest, timeout: Duration) async -> WebhookResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        outgoing.headers.add(name: "Content-Type", value: request.contentType)
        outgoing.headers.add(name: "User-Agent", value: "switchboard-provider-sandbox")
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(string: request.body))
        do {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            let response = try await client.execute(outgoing, timeout: .nanoseconds(nanoseconds))
            let body = try await response.body.collect(upTo: 1 << 20)
            return WebhookResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: body.getString(at: body.readerIndex, length: body.readableBytes) ?? "")
        } catch {
            return WebhookResponse(status: nil, error: String(describing: error))
        }
    }
}
