import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A tiny live HTTP server that records every request it gets: the far end of status callbacks
/// and injected inbound webhooks.
final class WebhookReceiver: Sendable {
    /// One request as it arrived.
    struct Received: Sendable {
        var path: String
        var query: String?
        var headers: HTTPFields
        var body: String

        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }
        }
    }

    private let received = Mutex<[Received]>([])

    /// Every request so far, in arrival order.
    var requests: [Received] { received.withLock { $0 } }

    func requests(path: String) -> [Received] {
        requests.filter { $0.path == path }
    }

    /// Waits until `count` requests reached `path`.
    func waitFor(path: String, count: Int, timeout: Duration = .seconds(5)) async -> [Received] {
        _ = await eventually(timeout: timeout) { requests(path: path).count >= count }
        return requests(path: path)
    }

    /// Paths under `/fail/` answer 500; `/twiml` answers TwiML; everything else 200.
    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let path = request.uri.path
            self.received.withLock {
                $0.append(
                    Received(
                        path: path, query: request.uri.query, headers: request.headers,
                        body: String(decoding: buffer.readableBytesView, as: UTF8.self)))
            }
            if path.hasPrefix("/fail/") { return Response(status: .internalServerError) }
            if path == "/twiml" {
                return Response(
                    status: .ok, headers: [.contentType: "text/xml"],
                    body: .init(byteBuffer: ByteBuffer(string: #"<?xml version="1.0" encoding="UTF-8"?><Response />"#)))
            }
            return Response(status: .ok)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
