import Foundation
import Testing

@testable import Providers

@Suite struct ProviderErrorTests {
    @Test func classifiesErrorsAsRetryableOrPermanent() {
        let retryable: [ProviderError] = [
            .timeout, .connectionFailed(reason: "refused"), .rateLimited(retryAfter: nil, code: nil, message: ""),
            .serverError(status: 502, code: nil, message: ""),
        ]
        let permanent: [ProviderError] = [
            .authenticationFailed(status: 401, code: "20003", message: ""),
            .rejected(status: 400, code: "21211", message: ""), .invalidResponse(reason: ""),
            .invalidRequest(reason: ""), .malformedWebhook(reason: ""), .invalidSignature(reason: ""),
        ]
        #expect(retryable.allSatisfy { $0.isRetryable })
        #expect(!permanent.contains { $0.isRetryable })
    }

    @Test func mapsHTTPStatusesToCases() {
        #expect(
            ProviderTransport.error(status: 400, code: "c", message: "m", retryAfter: nil)
                == .rejected(status: 400, code: "c", message: "m"))
        #expect(
            ProviderTransport.error(status: 403, code: nil, message: "m", retryAfter: nil)
                == .authenticationFailed(status: 403, code: nil, message: "m"))
        #expect(
            ProviderTransport.error(status: 429, code: nil, message: "m", retryAfter: .seconds(1)).retryAfter
                == .seconds(1))
        #expect(ProviderTransport.error(status: 502, code: nil, message: "m", retryAfter: nil).isRetryable)
        #expect(
            ProviderTransport.error(status: 422, code: "1150", message: "m", retryAfter: nil).providerCode == "1150")
    }

    @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(ProviderTransport.retryAfter("7", now: now) == .seconds(7))
        #expect(ProviderTransport.retryAfter("1.5", now: now) == .milliseconds(1500))
        #expect(ProviderTransport.retryAfter("Tue, 14 Nov 2023 22:13:50 GMT", now: now) == .seconds(30))
        #expect(ProviderTransport.retryAfter("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
        #expect(ProviderTransport.retryAfter("soon", now: now) == nil)
        #expect(ProviderTransport.retryAfter(nil, now: now) == nil)
    }

    @Test func describesTheStatusCodeAndMessage() {
        #expect(
            ProviderError.rejected(status: 400, code: "21211", message: "bad To").description
                == "HTTP 400, code 21211, bad To")
        #expect(ProviderError.timeout.description == "the provider did not answer in time")
    }
}
