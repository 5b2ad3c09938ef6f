/// The sandbox's monotonic clock: milliseconds since it started, with sub-millisecond precision.
struct SandboxClock: Sendable {
    private let start = ContinuousClock.now

    func milliseconds() -> Double {
        let elapsed = start.duration(to: .now).components
        return Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
    }
}
