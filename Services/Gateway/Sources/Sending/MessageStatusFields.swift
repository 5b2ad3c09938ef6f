import Foundation
import WireModels

/// The field/value pairs of a new status hash (`sms:msg:{id}`); sender and webhook-ingest
/// update the same fields later. Documented in docs/redis.md.
enum MessageStatusFields {
    static func queued(_ envelope: QueueEnvelope, at now: Date) -> [String] {
        let timestamp = Timestamp.string(now.timeIntervalSince1970)
        var fields = [
            "status", MessageStatus.queued.rawValue, "organization_id", String(envelope.organizationID ?? 0),
            "provider", envelope.provider ?? "", "from", envelope.from, "to", envelope.to, "created_at", timestamp,
            "updated_at", timestamp, "attempts", "0",
        ]
        if let assistantID = envelope.assistantID { fields += ["assistant_id", String(assistantID)] }
        if let key = envelope.idempotencyKey { fields += ["idempotency_key", key] }
        return fields
    }
}
