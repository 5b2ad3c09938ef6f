import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Providers
import Synchronization
import Testing

/// A request the stub provider received, as it came over the wire.
struct RecordedRequest: Sendable {
    var method: String
    /// Path and query.
    var uri: String
    /// Header values by lower-cased name.
    var headers: [String: String]
    var body: Data

    /// The body decoded as a form.
    func form() throws -> FormParameters {
        try FormParameters(formEncoded: body)
    }

    /// The body decoded as a JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }
}

/// The answer the stub gives to a request.
struct CannedResponse: Sendable {
    var status: Int
    var headers: [String: String] = ["Content-Type": "application/json"]
    var body: String
    /// How long to wait before answering, to provoke client timeouts.
    var delay: Duration?
}

/// A loopback HTTP server on a kernel-chosen port that records every request and answers with a
/// canned response: the provider's side of the wire for client tests.
enum StubProviderServer {
    /// Runs `test` with the server's base URL (`http://localhost:<port>`) and the requests it
    /// received so far, answering every request with `canned`, then stops the server.
    static func run<Value: Sendable>(
        answering canned: CannedResponse,
        _ test: @Sendable (_ baseURL: String, _ requests: RequestLog) async throws -> Value
    ) async throws -> Value {
        let log = RequestLog()
        var logger = Logger(label: "switchboard.tests.stub-provider")
        logger.logLevel = .warning
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
            }
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let recorded = RecordedRequest(
                method: request.method.rawValue,
                uri: request.uri.description,
                headers: headers,
                body: Data(buffer.readableBytesView)
            )
            log.append(recorded)
            if let delay = canned.delay {
                try await Task.sleep(for: delay)
            }
            var fields = HTTPFields()
            for (name, value) in canned.headers {
                fields[HTTPField.Name(name)!] = value
            }
            return Response(
                status: .init(code: canned.status),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: canned.body))
            )
        }
        let app = Application(responder: responder, logger: logger)
        // The live test framework binds localhost on a kernel-chosen port and shuts the server down
        // gracefully once the test returns.
        return try await app.test(.live) { client in
            let port = try #require(client.port)
            return try await test("http://localhost:\(port)", log)
        }
    }
}

/// The requests a stub server recorded, safe to read from the test while the server runs.
final class RequestLog: Sendable {
    private let storage = Mutex<[RecordedRequest]>([])

    func append(_ request: RecordedRequest) {
        storage.withLock { $0.append(request) }
    }

    /// Every request so far, in arrival order.
    var all: [RecordedRequest] { storage.withLock { $0 } }

    /// The only request received; fails the test when there was not exactly one.
    func single() throws -> RecordedRequest {
        let all = self.all
        try #require(all.count == 1, "expected one request, got \(all.count)")
        return all[0]
    }
}
