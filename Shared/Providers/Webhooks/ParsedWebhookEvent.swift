import WireModels

/// What a webhook route that receives several kinds of event (Telnyx, Vonage Messages) carried.
package enum ParsedWebhookEvent: Sendable, Equatable {
    /// A message sent to one of our numbers.
    case inbound(InboundMessage)
    /// A status report for a message we sent.
    case delivery(DeliveryUpdate)
    /// A well-formed event of a kind we do not act on (Telnyx `message.read`, …), by its type.
    case ignored(eventType: String)
}
