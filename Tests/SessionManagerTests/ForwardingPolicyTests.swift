import Testing

@testable import SessionManager

@Suite struct ForwardingPolicyTests {
    let policy = ForwardingPolicy(
        maxAttempts: 5, maxElapsed: .seconds(60), initialBackoff: .seconds(1), maxBackoff: .seconds(8), requestTimeout: .seconds(10),
        concurrency: 4, pollInterval: .seconds(1))

    @Test func backoffDoublesUpToTheCapAndJitterScalesIt() {
        #expect((1...6).map { policy.backoff(afterAttempt: $0, jitter: 1) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
        #expect(policy.backoff(afterAttempt: 3, jitter: 0.5) == .seconds(2))
        for _ in 0..<100 {
            let delay = policy.backoff(afterAttempt: 2)
            #expect(delay >= .seconds(1) && delay <= .seconds(2))
        }
    }

    @Test func givesUpAfterMaxAttemptsOrMaxElapsed() {
        #expect(policy.nextDelay(afterAttempt: 4, elapsed: .zero, jitter: 1) == .seconds(8))
        #expect(policy.nextDelay(afterAttempt: 5, elapsed: .zero, jitter: 1) == nil)
        #expect(policy.nextDelay(afterAttempt: 1, elapsed: .milliseconds(59_500), jitter: 1) == nil)
        #expect(policy.nextDelay(afterAttempt: 1, elapsed: .seconds(58), jitter: 1) == .seconds(1))
    }

    @Test func signatureMatchesAKnownVector() {
        // python3: hmac.new(b'whsec_test', b'1700000000.{"type":"sms_received"}', hashlib.sha256).hexdigest()
        #expect(
            WebhookSignature.header(body: #"{"type":"sms_received"}"#, secret: "whsec_test", timestamp: 1_700_000_000)
                == "t=1700000000,v1=f41187fdceb9ce976a875c22916c98120e34d4a84850c4c3195ed6bb6f5dd274")
    }
}
