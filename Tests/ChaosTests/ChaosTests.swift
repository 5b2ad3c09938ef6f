import Testing

/// Reliability under crashes, and pacing across sender replicas, with the built executables.
///
/// The suites run one after another: each starts its own Redis, sandbox, gateway and senders,
/// and the pacing measurements need the machine's two cores to themselves as far as possible.
@Suite(.serialized) struct ChaosTests {
    /// The variables every chaos stack gives its services: pacing off (the crash tests measure
    /// loss and duplicates, not rates), and a claim idle time of 1 s so a dead sender's entries
    /// are taken over quickly.
    static let unpaced: [String: String] = [
        "TWILIO_RATE_PER_NUMBER": "0", "TWILIO_RATE_PER_ACCOUNT": "0", "TELNYX_RATE_PER_NUMBER": "0",
        "TELNYX_RATE_PER_ACCOUNT": "0", "VONAGE_RATE_PER_NUMBER": "0", "VONAGE_RATE_PER_ACCOUNT": "0",
        "SENDER_CLAIM_IDLE_SECONDS": "1", "SEND_BACKOFF_BASE_MS": "50", "SEND_BACKOFF_MAX_MS": "500",
    ]

    static let providers = ["twilio", "telnyx", "vonage"]
}

/// Waits until every message in `ids` has status `sent` in Redis (or `timeout` passes); returns
/// the statuses last read.
func waitUntilSent(_ stack: ChaosStack, _ ids: [String], timeout: Duration) async throws -> [String: String] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let statuses = try await stack.statusField("status", of: ids)
        if ids.allSatisfy({ statuses[$0] == "sent" }) || ContinuousClock.now > deadline { return statuses }
        try await Task.sleep(for: .milliseconds(250))
    }
}
