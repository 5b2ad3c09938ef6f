import AsyncHTTPClient
import Foundation
import Providers
import Testing

@Suite struct TwilioClientTests {
    static let request = ProviderSendRequest(
        from: "+15017122661",
        to: "+15558675310",
        body: "Hello & welcome 😀",
        mediaURLs: ["https://example.com/a.jpg", "https://example.com/b c.png"],
        statusCallbackURL: "http://127.0.0.1:8082/webhooks/status/twilio",
        clientReference: "msg_1"
    )

    static let created = """
        {"account_sid": "AC123", "sid": "MM0123456789abcdef0123456789abcdef", "status": "queued",
         "num_segments": "2", "num_media": "2", "error_code": null, "error_message": null}
        """

    func client(_ baseURL: String, timeout: Duration = .seconds(10)) -> TwilioClient {
        TwilioClient(
            httpClient: .shared, accountSID: "AC123", authToken: "token-secret", baseURL: baseURL, timeout: timeout)
    }

    @Test func postsAFormWithBasicAuthToTheAccountsMessagesResource() async throws {
        let result = try await StubProviderServer.run(answering: .init(status: 201, body: Self.created)) {
            baseURL, requests in
            let result = try await client(baseURL).send(Self.request)
            let sent = try requests.single()
            #expect(sent.method == "POST")
            #expect(sent.uri == "/2010-04-01/Accounts/AC123/Messages.json")
            #expect(sent.headers["authorization"] == "Basic " + Data("AC123:token-secret".utf8).base64EncodedString())
            #expect(sent.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(sent.headers["accept"] == "application/json")
            let form = try sent.form()
            #expect(form.pairs.map(\.name) == ["To", "From", "Body", "MediaUrl", "MediaUrl", "StatusCallback"])
            #expect(form["To"] == "+15558675310")
            #expect(form["From"] == "+15017122661")
            #expect(form["Body"] == "Hello & welcome 😀")
            #expect(form.values(of: "MediaUrl") == ["https://example.com/a.jpg", "https://example.com/b c.png"])
            #expect(form["StatusCallback"] == "http://127.0.0.1:8082/webhooks/status/twilio")
            let raw = String(decoding: sent.body, as: UTF8.self)
            #expect(raw.hasPrefix("To=%2B15558675310&From=%2B15017122661&Body=Hello+%26+welcome+%F0%9F%98%80&"))
            #expect(raw.contains("MediaUrl=https%3A%2F%2Fexample.com%2Fb+c.png"))
            return result
        }
        #expect(
            result
                == ProviderSendResult(
                    providerMessageID: "MM0123456789abcdef0123456789abcdef", providerStatus: "queued", segments: 2))
    }

    @Test func leavesOutBodyForMediaOnlyAndReportsNoSegmentsBeforeASenderIsChosen() async throws {
        let reply = #"{"sid": "MM1", "status": "accepted", "num_segments": "0"}"#
        try await StubProviderServer.run(answering: .init(status: 201, body: reply)) { baseURL, requests in
            let request = ProviderSendRequest(
                from: "+15017122661", to: "+15558675310", body: "", mediaURLs: ["https://e/x.gif"])
            let result = try await client(baseURL).send(request)
            #expect(result == ProviderSendResult(providerMessageID: "MM1", providerStatus: "accepted", segments: nil))
            let form = try requests.single().form()
            #expect(form.pairs.map(\.name) == ["To", "From", "MediaUrl"])
        }
    }

    @Test func recordsTwiliosCodeOnAnInvalidNumberAndDoesNotRetry() async throws {
        let reply = """
            {"code": 21211, "message": "The 'To' number 5551234567 is not a valid phone number.",
             "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
            """
        let error = try await sendExpectingError(status: 400, body: reply)
        #expect(
            error
                == .rejected(
                    status: 400, code: "21211", message: "The 'To' number 5551234567 is not a valid phone number."))
        #expect(!error.isRetryable)
        #expect(error.providerCode == "21211")
    }

    @Test func treatsBadCredentialsAsPermanent() async throws {
        let reply =
            #"{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}"#
        let error = try await sendExpectingError(status: 401, body: reply)
        #expect(error == .authenticationFailed(status: 401, code: "20003", message: "Authenticate"))
        #expect(!error.isRetryable)
    }

    @Test func retriesAfterTheDelayTwilioAsksForWhenThrottled() async throws {
        let reply = #"{"code": 20429, "message": "Too Many Requests", "status": 429}"#
        let error = try await sendExpectingError(status: 429, headers: ["Retry-After": "7"], body: reply)
        #expect(error == .rateLimited(retryAfter: .seconds(7), code: "20429", message: "Too Many Requests"))
        #expect(error.isRetryable)
        #expect(error.retryAfter == .seconds(7))
    }

    @Test(arguments: [500, 503])
    func retriesServerErrors(status: Int) async throws {
        let error = try await sendExpectingError(
            status: status, headers: ["Content-Type": "text/html"], body: "<html>oops</html>")
        #expect(error == .serverError(status: status, code: nil, message: "Twilio answered HTTP \(status)"))
        #expect(error.isRetryable)
    }

    @Test func reportsAnUnreadableSuccessAsInvalidResponse() async throws {
        let error = try await sendExpectingError(status: 201, body: "not json")
        #expect(error == .invalidResponse(reason: "Twilio reply without a message sid"))
        #expect(!error.isRetryable)
    }

    private func sendExpectingError(
        status: Int, headers: [String: String] = ["Content-Type": "application/json"], body: String
    )
        async throws -> ProviderError
    {
        try await StubProviderServer.run(answering: .init(status: status, headers: headers, body: body)) {
            baseURL, _ in
            try await #require(throws: ProviderError.self) {
                try await client(baseURL).send(Self.request)
            }
        }
    }
}
