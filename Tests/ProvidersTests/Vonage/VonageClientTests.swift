import AsyncHTTPClient
import Foundation
import Providers
import Testing

@Suite struct VonageClientTests {
    static let request = ProviderSendRequest(
        from: "+447700900001",
        to: "+447700900000",
        body: "Hello from Vonage",
        statusCallbackURL: "http://127.0.0.1:8082/webhooks/status/vonage",
        clientReference: "msg_9"
    )

    static let accepted = #"{"message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"}"#

    func client(_ baseURL: String) -> VonageClient {
        VonageClient(httpClient: .shared, apiKey: "abcd1234", apiSecret: "api-secret", baseURL: baseURL)
    }

    @Test func postsAnSMSWithBasicAuthAndNumbersWithoutPlus() async throws {
        let result = try await StubProviderServer.run(answering: .init(status: 202, body: Self.accepted)) {
            baseURL, requests in
            let result = try await client(baseURL).send(Self.request)
            let sent = try requests.single()
            #expect(sent.method == "POST")
            #expect(sent.uri == "/v1/messages")
            #expect(sent.headers["authorization"] == "Basic " + Data("abcd1234:api-secret".utf8).base64EncodedString())
            #expect(sent.headers["content-type"] == "application/json")
            let json = try sent.json()
            #expect(Set(json.keys) == ["message_type", "channel", "to", "from", "text", "client_ref", "webhook_url"])
            #expect(json["message_type"] as? String == "text")
            #expect(json["channel"] as? String == "sms")
            #expect(json["to"] as? String == "447700900000")
            #expect(json["from"] as? String == "447700900001")
            #expect(json["text"] as? String == "Hello from Vonage")
            #expect(json["client_ref"] as? String == "msg_9")
            #expect(json["webhook_url"] as? String == "http://127.0.0.1:8082/webhooks/status/vonage")
            return result
        }
        #expect(
            result
                == ProviderSendResult(
                    providerMessageID: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", providerStatus: nil, segments: nil))
    }

    @Test func sendsAnMMSAsAnImageWithTheFirstMediaURL() async throws {
        try await StubProviderServer.run(answering: .init(status: 202, body: Self.accepted)) {
            baseURL, requests in
            var request = Self.request
            request.mediaURLs = ["https://example.com/a.jpg", "https://example.com/b.jpg"]
            _ = try await client(baseURL).send(request)
            let json = try requests.single().json()
            #expect(json["message_type"] as? String == "image")
            #expect(json["channel"] as? String == "mms")
            #expect(json["text"] == nil)
            let image = try #require(json["image"] as? [String: Any])
            #expect(image["url"] as? String == "https://example.com/a.jpg")
            #expect(image["caption"] as? String == "Hello from Vonage")
        }
    }

    @Test func recordsTheProblemCodeOnInvalidParamsAndDoesNotRetry() async throws {
        let reply = """
            {"type": "https://developer.vonage.com/api-errors/messages#1150",
             "title": "Invalid params", "detail": "The value of one or more parameters is invalid.",
             "instance": "bf0ca0bf927b3b52e3cb03217e1a1ddf",
             "invalid_parameters": [{"name": "to", "reason": "is invalid."}]}
            """
        let error = try await sendExpectingError(status: 422, body: reply)
        #expect(
            error
                == .rejected(
                    status: 422, code: "1150",
                    message: "Invalid params: The value of one or more parameters is invalid."))
        #expect(!error.isRetryable)
    }

    @Test func treatsBadCredentialsAsPermanent() async throws {
        let reply =
            #"{"type": "https://developer.nexmo.com/api-errors#unathorized", "title": "You did not provide correct credentials.", "detail": "Check that you're using the correct credentials."}"#
        let error = try await sendExpectingError(status: 401, body: reply)
        guard case .authenticationFailed(401, _, _) = error else {
            Issue.record("expected authenticationFailed, got \(error)")
            return
        }
        #expect(!error.isRetryable)
    }

    @Test func retriesAfterTheDelayVonageAsksForWhenThrottled() async throws {
        let reply = #"{"type": "https://developer.vonage.com/api-errors#throttled", "title": "Rate Limit Hit"}"#
        let headers = [
            "Content-Type": "application/problem+json", "Retry-After": "2", "X-RateLimit-Reset": "1738584865",
        ]
        let error = try await sendExpectingError(status: 429, headers: headers, body: reply)
        #expect(error == .rateLimited(retryAfter: .seconds(2), code: "throttled", message: "Rate Limit Hit"))
        #expect(error.isRetryable)
    }

    @Test(arguments: [500, 503])
    func retriesServerErrors(status: Int) async throws {
        let error = try await sendExpectingError(status: status, body: "")
        #expect(error == .serverError(status: status, code: nil, message: "Vonage answered HTTP \(status)"))
        #expect(error.isRetryable)
    }

    private func sendExpectingError(
        status: Int, headers: [String: String] = ["Content-Type": "application/problem+json"], body: String
    ) async throws -> ProviderError {
        try await StubProviderServer.run(answering: .init(status: status, headers: headers, body: body)) {
            baseURL, _ in
            try await #require(throws: ProviderError.self) {
                try await client(baseURL).send(Self.request)
            }
        }
    }
}
