import WireModels

/// The unified status an event gives a log, and its rank: a log only moves to a status of a
/// higher rank (or of the same rank, reported later), so events arriving late or twice never
/// move it backwards.
///
/// | rank | statuses |
/// |---|---|
/// | 1 | `queued`, `received` (inbound) |
/// | 2 | `sending` |
/// | 3 | `sent` |
/// | 4 | `delivered`, `undelivered`, `failed` from a delivery receipt |
/// | 5 | `cancelled`, and `failed` from the pipeline (never sent): final |
struct LogStatus: Equatable {
    var status: String
    var rank: Int

    /// The status set by an event that creates or updates a log, or nil for audit-only events.
    init?(_ event: MessageEvent) {
        let isReceipt = Self.isReceipt(event)
        switch event.type {
        case .queued: self.init(status: "queued", rank: 1)
        case .received: self.init(status: "received", rank: 1)
        case .sending: self.init(status: "sending", rank: 2)
        case .sent: self.init(status: "sent", rank: 3)
        case .delivered: self.init(status: "delivered", rank: 4)
        case .undelivered: self.init(status: "undelivered", rank: 4)
        case .failed: self.init(status: "failed", rank: isReceipt ? 4 : 5)
        case .cancelled: self.init(status: "cancelled", rank: 5)
        case .retrying:
            // A retry puts the message back in the queue; it never outranks what was reached.
            self.init(status: event.status == "sending" ? "sending" : "queued", rank: event.status == "sending" ? 2 : 1)
        case .webhookReceived, .forwardingAttempted, .conversationStarted, .conversationMessageAdded,
            .conversationCompleted, .conversationArchived:
            return nil
        }
    }

    init(status: String, rank: Int) {
        self.status = status
        self.rank = rank
    }

    /// Whether the event is a provider's delivery receipt (webhook-ingest) rather than a step of
    /// our own pipeline: receipts carry the provider's status word or raw payload.
    static func isReceipt(_ event: MessageEvent) -> Bool {
        event.direction != "inbound" && (event.providerStatus != nil || event.rawPayload != nil)
    }

    /// Statuses counted as failures by stats.
    static let failures: Set<String> = ["failed", "undelivered"]
}
