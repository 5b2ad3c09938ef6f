/// Where an outbound message stands in Switchboard's own pipeline (`GET /sms/{id}/status`).
public enum MessageStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted and waiting in `sms:queue:{provider}` (or for a retry).
    case queued
    /// Taken by a sender; the provider call is in flight.
    case sending
    /// The provider accepted it.
    case sent
    /// It will not be sent: a permanent provider error, or attempts or validity ran out.
    case failed
    /// Cancelled while queued; it is never sent.
    case cancelled

    /// Whether the message can still change state in the pipeline.
    public var isFinal: Bool { self == .sent || self == .failed || self == .cancelled }
}

/// What the carrier reported after the provider accepted a message (from delivery receipts).
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case sent
    case delivered
    case undelivered
    case failed

    /// Order in which receipts may move a message: a later receipt never moves it backwards.
    public var rank: Int {
        switch self {
        case .sent: 1
        case .delivered, .undelivered, .failed: 2
        }
    }
}
