/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
/// the n-th retry waits a uniformly random time between zero and `min(max, base · 2^(n-1))`, and
/// never less than what the provider asked for with `Retry-After`.
struct Backoff: Sendable {
    var base: Duration
    var max: Duration

    /// The wait before the retry that follows attempt `attempt` (1 for the first provider call).
    ///
    /// - Parameter unit: a random number in `0...1` (injectable for tests).
    func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, unit: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = Swift.min(Swift.max(attempt - 1, 0), 40)
        let baseMilliseconds = Double(base.components.seconds) * 1000 + Double(base.components.attoseconds) / 1e15
        let maxMilliseconds = Double(max.components.seconds) * 1000 + Double(max.components.attoseconds) / 1e15
        let ceiling = Swift.min(maxMilliseconds, baseMilliseconds * Double(1 << exponent))
        let jittered = Duration.milliseconds(Int64((ceiling * Swift.min(Swift.max(unit, 0), 1)).rounded()))
        guard let retryAfter else { return jittered }
        return Swift.max(jittered, retryAfter)
    }
}
