/// How inbound texts are forwarded to assistants: retries with exponential backoff and jitter,
/// bounded by a number of attempts and by the time since the first attempt.
package struct ForwardingPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    package var maxAttempts: Int
    /// No retry is scheduled later than this after the first attempt.
    package var maxElapsed: Duration
    /// The delay before the first retry (before jitter).
    package var initialBackoff: Duration
    /// The longest delay between two attempts (before jitter).
    package var maxBackoff: Duration
    /// How long one POST may take.
    package var requestTimeout: Duration
    /// POSTs in flight at once.
    package var concurrency: Int
    /// How often the outbox is polled for due retries when nothing wakes the forwarder.
    package var pollInterval: Duration

    package init(
        maxAttempts: Int, maxElapsed: Duration, initialBackoff: Duration, maxBackoff: Duration, requestTimeout: Duration,
        concurrency: Int, pollInterval: Duration
    ) {
        self.maxAttempts = maxAttempts
        self.maxElapsed = maxElapsed
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.requestTimeout = requestTimeout
        self.concurrency = concurrency
        self.pollInterval = pollInterval
    }

    /// The delay before attempt `attempt + 1` after `attempt` failed: `initialBackoff * 2^(attempt-1)`,
    /// capped at `maxBackoff`, then scaled by a random factor in [0.5, 1] ("equal jitter") so that
    /// many failing forwards do not retry in lockstep.
    package func backoff(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0.5...1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(initialBackoff.inMilliseconds * (1 << exponent), maxBackoff.inMilliseconds)
        return .milliseconds(Int((Double(base) * jitter).rounded()))
    }

    /// The next attempt's delay after `attempt` failed, or nil to give up: out of attempts, or the
    /// retry would come later than `maxElapsed` after the first attempt.
    package func nextDelay(afterAttempt attempt: Int, elapsed: Duration, jitter: Double = Double.random(in: 0.5...1)) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        let delay = backoff(afterAttempt: attempt, jitter: jitter)
        guard elapsed + delay <= maxElapsed else { return nil }
        return delay
    }
}

extension Duration {
    /// Whole milliseconds.
    package var inMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
