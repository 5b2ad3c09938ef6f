/// One send request the sandbox received, as `GET /sandbox/messages` lists it.
public struct SandboxReceivedMessage: Sendable, Equatable {
    /// Arrival order, from 1; restarts after `DELETE /sandbox/messages`.
    public var sequence: Int
    /// Milliseconds since the sandbox started, monotonic, with sub-millisecond precision.
    public var receivedAt: Double
    /// Wall-clock arrival, milliseconds since 1970 (to compare with times taken by other processes).
    public var receivedAtUnix: Double = 0
    public var provider: SandboxProvider
    /// The Account SID or API key the request authenticated as (nil when it did not).
    public var account: String?
    public var from: String
    public var to: String
    public var body: String
    public var mediaURLs: [String]
    /// Telnyx `Idempotency-Key` or Twilio `I-Twilio-Idempotency-Token` header.
    public var idempotencyKey: String?
    /// Vonage `client_ref`.
    public var clientRef: String?
    /// The provider message id the reply carried (nil unless accepted).
    public var messageID: String?
    /// HTTP status of the reply; 0 while the request is still being answered (the `hang` number).
    public var httpStatus: Int
    /// The provider error code of a rejection (`21211`, `40310`, `1430`, ...).
    public var errorCode: String?
    /// SMS segments of the body, for accepted messages.
    public var segments: Int?
    /// Where status callbacks go (nil: none are sent).
    public var callbackURL: String?
    /// Status callbacks sent so far, in order.
    public var callbacks: [Callback]

    /// One status callback and how the receiver answered it.
    public struct Callback: Sendable, Equatable {
        /// The provider's status value (`sent`, `delivered`, `delivery_failed`, `submitted`, ...).
        public var status: String
        /// The receiver's final HTTP status, nil when it never answered.
        public var httpStatus: Int?
        /// Attempts made (more than 1 after failures).
        public var attempts: Int
        /// Why the last attempt failed, if it did.
        public var error: String?
        /// When the last attempt finished, on the `receivedAt` clock.
        public var sentAt: Double
    }
}
