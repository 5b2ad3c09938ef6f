import AsyncHTTPClient
import Foundation
import Logging

/// Sends through the Vonage Messages API v1 (providers.md §5.1): `POST {base}/v1/messages`, JSON,
/// HTTP Basic with the API key and secret, numbers as digits without `+`.
///
/// An MMS goes as `message_type: image` with the first media URL (the body as its caption);
/// further URLs are not sent.
package struct VonageClient: SMSProviderClient, CustomReflectable {
    package var provider: ProviderName { .vonage }

    private let apiKey: String
    private let apiSecret: String
    private let baseURL: String
    private let transport: ProviderTransport

    /// A client for one Vonage API key; `httpClient` is shared and outlives the client.
    package init(
        httpClient: HTTPClient,
        apiKey: String,
        apiSecret: String,
        baseURL: String = ProviderName.vonage.defaultBaseURL,
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "switchboard.providers")
    ) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.baseURL = baseURL
        self.transport = ProviderTransport(provider: .vonage, httpClient: httpClient, timeout: timeout, logger: logger)
    }

    package func send(_ request: ProviderSendRequest) async throws -> ProviderSendResult {
        var payload = SendBody(
            messageType: "text",
            channel: "sms",
            to: Self.digits(request.to),
            from: Self.digits(request.from),
            clientRef: request.clientReference,
            webhookURL: request.statusCallbackURL
        )
        if let mediaURL = request.mediaURLs.first {
            payload.messageType = "image"
            payload.channel = "mms"
            payload.image = .init(url: mediaURL, caption: request.body.isEmpty ? nil : request.body)
        } else {
            payload.text = request.body
        }
        var http = HTTPClientRequest(url: ProviderTransport.url(base: baseURL, path: "/v1/messages"))
        http.method = .POST
        http.headers.add(
            name: "Authorization", value: ProviderTransport.basicAuthorization(user: apiKey, password: apiSecret))
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "application/json")
        http.body = .bytes(Array(try JSONEncoder().encode(payload)))

        let reply = try await transport.execute(http)
        guard (200..<300).contains(reply.status) else {
            throw Self.error(for: reply)
        }
        guard let uuid = try? JSONDecoder().decode(SendReply.self, from: reply.body).messageUUID else {
            throw ProviderError.invalidResponse(reason: "Vonage reply without message_uuid")
        }
        return ProviderSendResult(providerMessageID: uuid, providerStatus: nil, segments: nil)
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["apiKey": apiKey, "baseURL": baseURL], displayStyle: .struct)
    }

    /// A number as Vonage takes it: without the leading `+` (an alphanumeric sender id is unchanged).
    static func digits(_ number: String) -> String {
        number.hasPrefix("+") ? String(number.dropFirst()) : number
    }

    // MARK: Wire

    private struct SendBody: Encodable {
        struct Media: Encodable {
            var url: String
            var caption: String?
        }

        var messageType: String
        var channel: String
        var to: String
        var from: String
        var text: String?
        var image: Media?
        var clientRef: String?
        var webhookURL: String?

        enum CodingKeys: String, CodingKey {
            case messageType = "message_type"
            case channel, to, from, text, image
            case clientRef = "client_ref"
            case webhookURL = "webhook_url"
        }
    }

    private struct SendReply: Decodable {
        var messageUUID: String

        enum CodingKeys: String, CodingKey {
            case messageUUID = "message_uuid"
        }
    }

    /// Vonage's RFC 7807 error body: `{"type", "title", "detail", "instance"}`.
    private struct ErrorBody: Decodable {
        var type: String?
        var title: String?
        var detail: String?
    }

    /// Classifies a non-2xx reply by its HTTP status; the code is the fragment of `type`
    /// (`…/messages#1150` → `1150`), which the spec itself numbers inconsistently, so treat it as opaque.
    static func error(for reply: ProviderTransport.Reply) -> ProviderError {
        let body = try? JSONDecoder().decode(ErrorBody.self, from: reply.body)
        let code = body?.type.flatMap { type in type.lastIndex(of: "#").map { String(type[type.index(after: $0)...]) } }
        let message = [body?.title, body?.detail].compactMap { $0 }.joined(separator: ": ")
        return ProviderTransport.error(
            status: reply.status,
            code: code.flatMap { $0.isEmpty ? nil : $0 },
            message: message.isEmpty ? "Vonage answered HTTP \(reply.status)" : message,
            retryAfter: ProviderTransport.retryAfter(reply.headers["retry-after"])
        )
    }
}
