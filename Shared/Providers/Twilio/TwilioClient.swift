import AsyncHTTPClient
import Foundation
import Logging

/// Sends through Twilio's Messages API (providers.md §2.1):
/// `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded, HTTP Basic.
package struct TwilioClient: SMSProviderClient, CustomReflectable {
    package var provider: ProviderName { .twilio }

    private let accountSID: String
    private let authToken: String
    private let baseURL: String
    private let transport: ProviderTransport

    /// A client for one Twilio account; `httpClient` is shared and outlives the client.
    package init(
        httpClient: HTTPClient,
        accountSID: String,
        authToken: String,
        baseURL: String = ProviderName.twilio.defaultBaseURL,
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "switchboard.providers")
    ) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.baseURL = baseURL
        self.transport = ProviderTransport(provider: .twilio, httpClient: httpClient, timeout: timeout, logger: logger)
    }

    package func send(_ request: ProviderSendRequest) async throws -> ProviderSendResult {
        var form = FormParameters([("To", request.to), ("From", request.from)])
        if !request.body.isEmpty || request.mediaURLs.isEmpty {
            form.append("Body", request.body)
        }
        for url in request.mediaURLs {
            form.append("MediaUrl", url)
        }
        if let callback = request.statusCallbackURL {
            form.append("StatusCallback", callback)
        }

        let sid = accountSID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? accountSID
        var http = HTTPClientRequest(
            url: ProviderTransport.url(base: baseURL, path: "/2010-04-01/Accounts/\(sid)/Messages.json"))
        http.method = .POST
        http.headers.add(
            name: "Authorization", value: ProviderTransport.basicAuthorization(user: accountSID, password: authToken))
        http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        http.headers.add(name: "Accept", value: "application/json")
        http.body = .bytes(Array(form.rawText.utf8))

        let reply = try await transport.execute(http)
        guard (200..<300).contains(reply.status) else {
            throw Self.error(for: reply)
        }
        guard let message = try? JSONDecoder().decode(MessageResource.self, from: reply.body), let sid = message.sid
        else {
            throw ProviderError.invalidResponse(reason: "Twilio reply without a message sid")
        }
        let segments = message.numSegments?.integer
        return ProviderSendResult(
            providerMessageID: sid,
            providerStatus: message.status,
            segments: segments == 0 ? nil : segments
        )
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["accountSID": accountSID, "baseURL": baseURL], displayStyle: .struct)
    }

    // MARK: Replies

    /// The fields of the Message resource we use.
    private struct MessageResource: Decodable {
        var sid: String?
        var status: String?
        var numSegments: JSONScalar?

        enum CodingKeys: String, CodingKey {
            case sid, status
            case numSegments = "num_segments"
        }
    }

    /// Twilio's error body: `{"code", "message", "more_info", "status"}`.
    private struct ErrorBody: Decodable {
        var code: JSONScalar?
        var message: String?
    }

    /// Classifies a non-2xx reply by its HTTP status, keeping Twilio's code and message.
    static func error(for reply: ProviderTransport.Reply) -> ProviderError {
        let body = try? JSONDecoder().decode(ErrorBody.self, from: reply.body)
        return ProviderTransport.error(
            status: reply.status,
            code: body?.code?.text,
            message: body?.message ?? "Twilio answered HTTP \(reply.status)",
            retryAfter: ProviderTransport.retryAfter(reply.headers["retry-after"])
        )
    }
}
