/// Destination numbers that make the sandbox misbehave on purpose, the same way for all three
/// providers. This table is the single source of truth; `docs/provider-sandbox.md` copies it.
///
/// Numbers are written in E.164; Vonage requests use the same digits without `+`. They sit in
/// the `555 01xx` range, which is reserved for fiction in North America, so no real handset
/// is ever texted by accident when a test points at a real provider.
public struct MagicNumber: Sendable, Equatable {
    /// The destination in E.164 (`+15550100400`).
    public let e164: String
    /// What the sandbox does for a send to it.
    public let behaviour: Behaviour
    /// One line for the documentation table.
    public let summary: String

    /// The same number in Vonage's format: digits only.
    public var digits: String { String(e164.dropFirst()) }

    /// What a magic number does.
    public enum Behaviour: Sendable, Equatable {
        /// Rejected at send time as an invalid `to` (Twilio 400/21211, Telnyx 400/40310,
        /// Vonage 422 "Invalid recipient").
        case invalidNumber
        /// The recipient opted out: Twilio 400/21610 and Telnyx 400/40300 at send time; Vonage
        /// accepts the send and reports `rejected` with error 1240 in the status callback.
        case optedOut
        /// 429 in the provider's shape, with `Retry-After`, for the first `times` attempts of the
        /// same message (same from, to and body, or the same idempotency key), then accepted.
        case throttled(times: Int)
        /// 429 on every attempt.
        case alwaysThrottled
        /// 500 in the provider's shape for the first `times` attempts of the same message, then accepted.
        case serverError(times: Int)
        /// 500 on every attempt.
        case alwaysServerError
        /// The reply is held back for the configured hang time (`SANDBOX_HANG_MS`), then the send
        /// is accepted normally: for client timeout tests.
        case hang
        /// Accepted; a later callback reports a given delivery outcome.
        case accepted(DeliveryOutcome)
    }

    /// How an accepted message ends, as its status callbacks tell it.
    public enum DeliveryOutcome: String, Sendable, Equatable {
        /// sent, then delivered (every ordinary number).
        case delivered
        /// sent, then a carrier failure: Twilio `undelivered` 30003, Telnyx `delivery_failed`
        /// 40008, Vonage `rejected` 1260.
        case undelivered
        /// No `sent` step; the provider itself gives up: Twilio `failed` 30001, Telnyx
        /// `sending_failed` 40005, Vonage `rejected` 1360.
        case failed
        /// sent, and no handset receipt ever: Twilio stops at `sent`, Telnyx finalizes
        /// `delivery_unconfirmed`, Vonage stops at `submitted`.
        case unconfirmed
        /// Vonage's answer to the opted-out number: accepted, then `rejected` with error 1240.
        case optedOut
    }

    // MARK: The table

    public static let invalidNumber = Self("+15550100400", .invalidNumber, "rejected at send: invalid `to`")
    public static let optedOut = Self("+15550100410", .optedOut, "recipient opted out (STOP)")
    public static let throttledOnce = Self("+15550100421", .throttled(times: 1), "429 + Retry-After once per message, then accepted")
    public static let throttledTwice = Self("+15550100422", .throttled(times: 2), "429 + Retry-After twice per message, then accepted")
    public static let throttledThrice = Self("+15550100423", .throttled(times: 3), "429 + Retry-After three times per message, then accepted")
    public static let alwaysThrottled = Self("+15550100429", .alwaysThrottled, "429 + Retry-After on every attempt")
    public static let serverErrorOnce = Self("+15550100501", .serverError(times: 1), "500 once per message, then accepted")
    public static let alwaysServerError = Self("+15550100500", .alwaysServerError, "500 on every attempt")
    public static let hang = Self("+15550100504", .hang, "reply held for `SANDBOX_HANG_MS`, then accepted")
    public static let undelivered = Self("+15550100600", .accepted(.undelivered), "accepted, then sent → undelivered")
    public static let failed = Self("+15550100601", .accepted(.failed), "accepted, then failed (no sent step)")
    public static let unconfirmed = Self("+15550100602", .accepted(.unconfirmed), "accepted, sent, never a handset receipt")

    /// Every magic number, in documentation order.
    public static let all: [MagicNumber] = [
        invalidNumber, optedOut, throttledOnce, throttledTwice, throttledThrice, alwaysThrottled, serverErrorOnce,
        alwaysServerError, hang, undelivered, failed, unconfirmed,
    ]

    private static let byDigits: [Substring: MagicNumber] = Dictionary(
        uniqueKeysWithValues: all.map { (Substring($0.digits), $0) })

    /// The magic number a destination is, with or without `+`; nil for ordinary numbers.
    public static func lookup(_ destination: String) -> MagicNumber? {
        // Every magic number starts 1555; skip the hash for everything else.
        guard destination.utf8.count <= 12 else { return nil }
        let digits = PhoneNumberFormat.digits(destination)
        guard digits.hasPrefix("1555") else { return nil }
        return byDigits[digits]
    }

    private init(_ e164: String, _ behaviour: Behaviour, _ summary: String) {
        self.e164 = e164
        self.behaviour = behaviour
        self.summary = summary
    }
}
