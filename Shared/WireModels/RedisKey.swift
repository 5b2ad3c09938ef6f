/// Every Redis key and stream name Switchboard uses, built in one place.
///
/// Names marked *public* are part of the contract (`docs/redis.md`); other systems rely on them.
/// The rest are internal and always carry the `sms:` or `sb:` prefix.
public enum RedisKey {
    /// *Public.* Outbound queue stream of one provider; consumer group `sender`.
    public static func queue(provider: String) -> String { "sms:queue:\(provider)" }
    /// *Public.* Capped stream of every message lifecycle event.
    public static let events = "sms:events"
    /// *Public.* The active SMS session of a customer with an assistant (JSON string, TTL 86,400 s).
    public static func session(customerPhone: String, assistantID: Int) -> String {
        "sms:session:\(customerPhone):\(assistantID)"
    }
    /// *Public.* Call records pushed by other systems.
    public static let callsIngest = "calls:ingest"

    // MARK: Outbound messages (internal)

    /// Hash: the status record of one message (`GET /sms/{id}/status`), kept `messageRetention`.
    public static func message(_ messageID: String) -> String { "sms:msg:\(messageID)" }
    /// String: the provider's message id mapped to ours, for delivery receipts.
    public static func providerMessage(provider: String, providerMessageID: String) -> String {
        "sms:pmid:\(provider):\(providerMessageID)"
    }
    /// String (JSON): an idempotency record, per organization and SHA-256 of the key, kept 24 h.
    public static func idempotency(organizationID: Int, keyHash: String) -> String { "sms:idem:\(organizationID):\(keyHash)" }
    /// Sorted set: messages waiting for a retry, scored by the Unix millisecond they are due.
    public static func retries(provider: String) -> String { "sms:retry:\(provider)" }
    /// Stream: messages that ran out of attempts or validity (dead letters).
    public static func deadLetters(provider: String) -> String { "sms:dead:\(provider)" }
    /// Hash: a token bucket for one sending number.
    public static func numberBucket(_ phoneNumber: String) -> String { "sb:pace:number:\(phoneNumber)" }
    /// Hash: a token bucket for one provider account.
    public static func accountBucket(provider: String, account: String) -> String { "sb:pace:account:\(provider):\(account)" }
    /// Counter: messages the sender re-sent after finding them `sending` (a sender died mid-call).
    public static let resendCounter = "sb:metrics:resends"
    /// String: a provider event seen by webhook-ingest, kept `WEBHOOK_DEDUPE_SECONDS` to drop duplicates.
    public static func webhookSeen(provider: String, providerMessageID: String, event: String) -> String {
        "sms:webhook-seen:\(provider):\(providerMessageID):\(event)"
    }
    /// Hash: a delivery receipt that arrived before the sender recorded the provider's id; the
    /// sender applies it when it records the send.
    public static func earlyReceipt(provider: String, providerMessageID: String) -> String {
        "sms:dlr:\(provider):\(providerMessageID)"
    }
    /// The three providers, in the order queue stats list them.
    public static let providers = ["twilio", "telnyx", "vonage"]

    // MARK: The tenant directory (written by the gateway, read by every other process)

    /// JSON `DirectoryPhoneNumber` of one E.164 number.
    public static func directoryNumber(_ phoneNumber: String) -> String { "sb:dir:number:\(phoneNumber)" }
    /// JSON `DirectoryOrganization` of one organization.
    public static func directoryOrganization(_ id: Int) -> String { "sb:dir:org:\(id)" }
    /// JSON `DirectoryAssistant` of one assistant.
    public static func directoryAssistant(_ id: Int) -> String { "sb:dir:assistant:\(id)" }
    /// Set of every directory key the gateway wrote, so a resync can delete stale ones.
    public static let directoryIndex = "sb:dir:index"
    /// Counter bumped on every directory change (for caches and tests).
    public static let directoryVersion = "sb:dir:version"

    // MARK: Gateway auth

    /// A dashboard session, by SHA-256 hex of its cookie token.
    public static func dashboardSession(tokenHash: String) -> String { "sb:auth:session:\(tokenHash)" }
    /// A JWT revoked by logout, by its `jti`, until it would have expired.
    public static func revokedJWT(_ jti: String) -> String { "sb:auth:revoked-jwt:\(jti)" }
    /// Fixed-window request counter of one API key in one minute.
    public static func apiKeyRate(keyID: Int, minute: Int) -> String { "sb:ratelimit:apikey:\(keyID):\(minute)" }

    /// Consumer group of the sender on the queue streams.
    public static let senderGroup = "sender"
    /// The field that holds the JSON document in every entry of the public streams.
    public static let payloadField = "payload"
}

// MARK: Sessions, conversations and calls (session-manager)

extension RedisKey {
    /// Sorted set of an organization's session keys, scored by the Unix millisecond each expires;
    /// lets session-manager count and clear one organization's sessions without scanning.
    public static func sessionIndex(organizationID: Int) -> String { "sms:sessions:org:\(organizationID)" }
    /// Consumer group of session-manager on `sms:events` and `calls:ingest`.
    public static let sessionManagerGroup = "session-manager"
}
