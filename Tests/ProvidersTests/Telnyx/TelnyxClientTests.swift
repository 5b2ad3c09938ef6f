import AsyncHTTPClient
import Foundation
import Providers
import Testing

@Suite struct TelnyxClientTests {
    static let request = ProviderSendRequest(
        from: "+13125550001",
        to: "+17735550002",
        body: "Hello, Telnyx",
        mediaURLs: ["https://example.com/a.jpg", "https://example.com/b.png"],
        statusCallbackURL: "http://127.0.0.1:8082/webhooks/sms/telnyx",
        clientReference: "msg_42"
    )

    static let accepted = """
        {"data": {"record_type": "message", "id": "40385f64-5717-4562-b3fc-2c963f66afa6", "direction": "outbound",
         "type": "MMS", "to": [{"phone_number": "+17735550002", "status": "queued", "carrier": "T-Mobile"}],
         "encoding": "GSM-7", "parts": 1, "errors": []}}
        """

    func client(_ baseURL: String, profile: String? = "4001767e-ce0f-4cae-9d5f-0d5e636e7809") -> TelnyxClient {
        TelnyxClient(httpClient: .shared, apiKey: "KEY0123", messagingProfileID: profile, baseURL: baseURL)
    }

    @Test func postsJSONWithABearerKeyAndTheMessageIDAsIdempotencyKey() async throws {
        let result = try await StubProviderServer.run(answering: .init(status: 200, body: Self.accepted)) {
            baseURL, requests in
            let result = try await client(baseURL).send(Self.request)
            let sent = try requests.single()
            #expect(sent.method == "POST")
            #expect(sent.uri == "/v2/messages")
            #expect(sent.headers["authorization"] == "Bearer KEY0123")
            #expect(sent.headers["content-type"] == "application/json")
            #expect(sent.headers["idempotency-key"] == "msg_42")
            let json = try sent.json()
            #expect(Set(json.keys) == ["from", "to", "text", "media_urls", "webhook_url", "messaging_profile_id"])
            #expect(json["from"] as? String == "+13125550001")
            #expect(json["to"] as? String == "+17735550002")
            #expect(json["text"] as? String == "Hello, Telnyx")
            #expect(json["media_urls"] as? [String] == ["https://example.com/a.jpg", "https://example.com/b.png"])
            #expect(json["webhook_url"] as? String == "http://127.0.0.1:8082/webhooks/sms/telnyx")
            #expect(json["messaging_profile_id"] as? String == "4001767e-ce0f-4cae-9d5f-0d5e636e7809")
            return result
        }
        #expect(
            result
                == ProviderSendResult(
                    providerMessageID: "40385f64-5717-4562-b3fc-2c963f66afa6", providerStatus: "queued", segments: 1))
    }

    @Test func leavesOutFieldsThatAreNotSet() async throws {
        try await StubProviderServer.run(answering: .init(status: 200, body: Self.accepted)) {
            baseURL, requests in
            let request = ProviderSendRequest(from: "+13125550001", to: "+17735550002", body: "Hi")
            _ = try await client(baseURL, profile: nil).send(request)
            let sent = try requests.single()
            #expect(Set(try sent.json().keys) == ["from", "to", "text"])
            #expect(sent.headers["idempotency-key"] == nil)
        }
    }

    @Test func recordsTelnyxsCodeOnAnInvalidNumberAndDoesNotRetry() async throws {
        let reply = """
            {"errors": [{"code": "40310", "title": "Invalid 'to' address",
              "detail": "The 'to' address should be a single valid number.", "source": {"pointer": "/to"}}]}
            """
        let error = try await sendExpectingError(status: 400, body: reply)
        #expect(
            error
                == .rejected(
                    status: 400, code: "40310",
                    message: "Invalid 'to' address: The 'to' address should be a single valid number."))
        #expect(!error.isRetryable)
    }

    @Test func treatsBadCredentialsAsPermanent() async throws {
        let reply =
            #"{"errors": [{"code": "10009", "title": "Authentication failed", "detail": "Could not understand the provided credentials."}]}"#
        let error = try await sendExpectingError(status: 401, body: reply)
        #expect(error.providerCode == "10009")
        #expect(
            error
                == .authenticationFailed(
                    status: 401, code: "10009",
                    message: "Authentication failed: Could not understand the provided credentials."))
        #expect(!error.isRetryable)
    }

    @Test func retriesAfterTheRateLimitResetWhenThrottled() async throws {
        let reply = #"{"errors": [{"code": "10011", "title": "Too many requests"}]}"#
        let headers = ["Content-Type": "application/json", "x-ratelimit-limit": "100", "x-ratelimit-reset": "3"]
        let error = try await sendExpectingError(status: 429, headers: headers, body: reply)
        #expect(error == .rateLimited(retryAfter: .seconds(3), code: "10011", message: "Too many requests"))
        #expect(error.isRetryable)
    }

    @Test func prefersRetryAfterToTheRateLimitReset() async throws {
        let headers = ["Content-Type": "application/json", "Retry-After": "9", "x-ratelimit-reset": "3"]
        let error = try await sendExpectingError(status: 429, headers: headers, body: #"{"errors": []}"#)
        #expect(error.retryAfter == .seconds(9))
        #expect(error.message == "Telnyx answered HTTP 429")
    }

    @Test(arguments: [500, 503])
    func retriesServerErrors(status: Int) async throws {
        let reply = #"{"errors": [{"code": "10007", "title": "Unexpected error"}]}"#
        let error = try await sendExpectingError(status: status, body: reply)
        #expect(error == .serverError(status: status, code: "10007", message: "Unexpected error"))
        #expect(error.isRetryable)
    }

    private func sendExpectingError(
        status: Int, headers: [String: String] = ["Content-Type": "application/json"], body: String
    ) async throws -> ProviderError {
        try await StubProviderServer.run(answering: .init(status: status, headers: headers, body: body)) {
            baseURL, _ in
            try await #require(throws: ProviderError.self) {
                try await client(baseURL).send(Self.request)
            }
        }
    }
}
