import AsyncHTTPClient
import Foundation
import Logging

/// Sends through Telnyx Messaging v2 (providers.md §3.1): `POST {base}/v2/messages`, JSON, Bearer.
package struct TelnyxClient: SMSProviderClient, CustomReflectable {
    package var provider: ProviderName { .telnyx }

    private let apiKey: String
    private let messagingProfileID: String?
    private let baseURL: String
    private let transport: ProviderTransport

    /// A client for one Telnyx API key; `httpClient` is shared and outlives the client.
    package init(
        httpClient: HTTPClient,
        apiKey: String,
        messagingProfileID: String? = nil,
        baseURL: String = ProviderName.telnyx.defaultBaseURL,
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "switchboard.providers")
    ) {
        self.apiKey = apiKey
        self.messagingProfileID = messagingProfileID
        self.baseURL = baseURL
        self.transport = ProviderTransport(provider: .telnyx, httpClient: httpClient, timeout: timeout, logger: logger)
    }

    package func send(_ request: ProviderSendRequest) async throws -> ProviderSendResult {
        let payload = SendBody(
            from: request.from,
            to: request.to,
            text: request.body.isEmpty ? nil : request.body,
            mediaURLs: request.mediaURLs.isEmpty ? nil : request.mediaURLs,
            webhookURL: request.statusCallbackURL,
            messagingProfileID: messagingProfileID
        )
        var http = HTTPClientRequest(url: ProviderTransport.url(base: baseURL, path: "/v2/messages"))
        http.method = .POST
        http.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "application/json")
        if let reference = request.clientReference {
            // Telnyx answers a repeated key with the first result, so a retry cannot send twice.
            http.headers.add(name: "Idempotency-Key", value: reference)
        }
        http.body = .bytes(Array(try JSONEncoder().encode(payload)))

        let reply = try await transport.execute(http)
        guard (200..<300).contains(reply.status) else {
            throw Self.error(for: reply)
        }
        guard let message = try? JSONDecoder().decode(SendReply.self, from: reply.body).data, let id = message.id else {
            throw ProviderError.invalidResponse(reason: "Telnyx reply without data.id")
        }
        return ProviderSendResult(
            providerMessageID: id,
            providerStatus: message.to?.first?.status,
            segments: message.parts?.integer
        )
    }

    package var customMirror: Mirror {
        Mirror(
            self, children: ["messagingProfileID": messagingProfileID as Any, "baseURL": baseURL], displayStyle: .struct
        )
    }

    // MARK: Wire

    private struct SendBody: Encodable {
        var from: String
        var to: String
        var text: String?
        var mediaURLs: [String]?
        var webhookURL: String?
        var messagingProfileID: String?

        enum CodingKeys: String, CodingKey {
            case from, to, text
            case mediaURLs = "media_urls"
            case webhookURL = "webhook_url"
            case messagingProfileID = "messaging_profile_id"
        }
    }

    private struct SendReply: Decodable {
        struct Message: Decodable {
            struct Recipient: Decodable {
                var status: String?
            }
            var id: String?
            var to: [Recipient]?
            var parts: JSONScalar?
        }
        var data: Message?
    }

    /// Telnyx's error body: `{"errors": [{"code", "title", "detail", …}]}`, `code` a string.
    private struct ErrorBody: Decodable {
        struct Item: Decodable {
            var code: JSONScalar?
            var title: String?
            var detail: String?
        }
        var errors: [Item]?
    }

    /// Classifies a non-2xx reply by its HTTP status, keeping the first error's code and text.
    static func error(for reply: ProviderTransport.Reply) -> ProviderError {
        let first = (try? JSONDecoder().decode(ErrorBody.self, from: reply.body))?.errors?.first
        let message = [first?.title, first?.detail].compactMap { $0 }.joined(separator: ": ")
        return ProviderTransport.error(
            status: reply.status,
            code: first?.code?.text,
            message: message.isEmpty ? "Telnyx answered HTTP \(reply.status)" : message,
            retryAfter: ProviderTransport.retryAfter(reply.headers["retry-after"] ?? reply.headers["x-ratelimit-reset"])
        )
    }
}
