/// An accepted send, as the status callbacks need it.
struct AcceptedMessage: Sendable {
    var send: OutboundSend
    var messageID: String
    var count: SandboxSegmentCounter.Count
    var outcome: MagicNumber.DeliveryOutcome
    /// When the send was accepted.
    var acceptedAt: SandboxTimestamp
}
