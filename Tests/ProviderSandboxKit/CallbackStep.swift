/// One status callback in a provider's lifecycle of a message.
struct CallbackStep: Sendable {
    /// The provider's status value (`sent`, `delivered`, `delivery_failed`, `submitted`, ...).
    var status: String
    /// Telnyx event type (`message.sent` / `message.finalized`); unused by the others.
    var event = ""
    /// Error code and text for failures (`30003` / `Unreachable destination handset`).
    var errorCode: String?
    var errorTitle: String?
}
