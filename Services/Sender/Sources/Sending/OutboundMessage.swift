import Foundation
import ServiceRuntime
import WireModels

/// A queue envelope with every field the sender needs filled in: ids, owner, provider and
/// validity. Builds the events, status-hash fields and ledger rows of its message.
struct OutboundMessage: Sendable {
    /// The envelope as it travels through the queue and the retry set, with the filled-in fields.
    var envelope: QueueEnvelope
    var messageID: String
    var organizationID: Int
    var assistantID: Int?
    var provider: String
    /// Segments and encoding of the body, for events.
    var segments: SegmentCount

    init(envelope: QueueEnvelope, messageID: String, organizationID: Int, provider: String) {
        var envelope = envelope
        envelope.messageID = messageID
        envelope.organizationID = organizationID
        envelope.provider = provider
        self.envelope = envelope
        self.messageID = messageID
        self.organizationID = organizationID
        self.assistantID = envelope.assistantID
        self.provider = provider
        self.segments = SegmentCounter.count(envelope.body)
    }

    var from: String { envelope.from }
    var to: String { envelope.to }

    /// The instant after which the message is not sent any more.
    var validUntil: Date? { envelope.validUntil.flatMap(Timestamp.parse) }

    /// The envelope as JSON text: the queue payload and the retry-set member (unique per message).
    func envelopeJSON() throws -> String {
        envelope.jsonText()
    }

    // MARK: Events

    /// Written where the attempt number is only known inside a Lua script; the script replaces it.
    /// Quotes inside strings are escaped, so the body can never contain this text.
    static let attemptPlaceholder = -1

    /// A lifecycle event of this message as JSON text.
    func eventJSON(
        _ type: MessageEventType, status: MessageStatus, at now: Date, attempt: Int?, providerMessageID: String? = nil,
        errorCode: String? = nil, errorMessage: String? = nil
    ) throws -> String {
        let event = MessageEvent(
            eventID: RandomUUID.string(), type: type, occurredAt: Timestamp.string(now.timeIntervalSince1970),
            messageID: messageID, organizationID: organizationID, assistantID: assistantID, direction: "outbound",
            provider: provider, from: from, to: to, body: envelope.body, mediaURLs: envelope.mediaURLs,
            segments: segments.segments, encoding: segments.encoding.rawValue, providerMessageID: providerMessageID,
            status: status.rawValue, errorCode: errorCode, errorMessage: errorMessage,
            idempotencyKey: envelope.idempotencyKey, attempt: attempt)
        return event.jsonText()
    }

    // MARK: Status hash and ledger

    /// The fields of a new status hash (`sms:msg:{id}`), the same the gateway writes.
    func statusFields(_ status: MessageStatus, attempts: Int, at now: Date) -> [String] {
        let timestamp = Timestamp.string(now.timeIntervalSince1970)
        var fields = [
            "status", status.rawValue, "organization_id", String(organizationID), "provider", provider, "from", from,
            "to", to, "created_at", timestamp, "updated_at", timestamp, "attempts", String(attempts),
        ]
        if let assistantID { fields += ["assistant_id", String(assistantID)] }
        if let key = envelope.idempotencyKey { fields += ["idempotency_key", key] }
        return fields
    }

    /// A ledger row for a transition of this message.
    func ledgerRow(
        _ status: MessageStatus, stage: LedgerRow.Stage, attempts: Int, at now: Date, providerMessageID: String? = nil,
        error: String? = nil, errorCode: String? = nil
    ) -> LedgerRow {
        LedgerRow(
            messageID: messageID, organizationID: organizationID, assistantID: assistantID, provider: provider, from: from,
            to: to, body: envelope.body, status: status, providerMessageID: providerMessageID, error: error,
            errorCode: errorCode, attempts: attempts, idempotencyKey: envelope.idempotencyKey,
            createdAt: envelope.queuedAt ?? Timestamp.string(now.timeIntervalSince1970),
            updatedAt: Timestamp.string(now.timeIntervalSince1970), revision: LedgerRow.revision(attempts: attempts, stage: stage))
    }

    /// A dead letter for this message as JSON text.
    func deadLetterJSON(reason: String, errorCode: String?, attempts: Int, entryID: String?, at now: Date) throws -> String {
        let letter = DeadLetter(
            messageID: messageID, provider: provider, reason: reason, errorCode: errorCode, attempts: attempts,
            streamEntryID: entryID, envelope: try envelopeJSON(), failedAt: Timestamp.string(now.timeIntervalSince1970))
        return String(decoding: try JSONEncoder().encode(letter), as: UTF8.self)
    }
}
