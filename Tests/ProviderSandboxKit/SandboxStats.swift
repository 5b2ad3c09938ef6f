/// Counters behind `GET /sandbox/stats`.
public struct SandboxStats: Sendable, Equatable {
    /// Requests and accepted sends for one provider or one from-number.
    public struct Counts: Sendable, Equatable {
        public var requests = 0
        public var accepted = 0
    }

    /// Per from-number: counts plus the most requests (and accepted sends) seen in any
    /// 1-second sliding window.
    public struct FromNumber: Sendable, Equatable {
        public var requests = 0
        public var accepted = 0
        public var maxPerSecond = 0
        public var maxAcceptedPerSecond = 0
    }

    public var total = Counts()
    public var providers: [SandboxProvider: Counts] = [:]
    public var fromNumbers: [String: FromNumber] = [:]
}
