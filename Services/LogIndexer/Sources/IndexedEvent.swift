import Foundation
import WireModels

/// One `sms:events` entry, decoded and timed, ready to be indexed.
package struct IndexedEvent: Sendable {
    package var event: MessageEvent
    /// `occurred_at` as Unix milliseconds.
    package var occurredAt: Int64

    /// Nil when `occurred_at` is not an ISO 8601 timestamp.
    package init?(_ event: MessageEvent) {
        guard let date = Timestamp.parse(event.occurredAt) else { return nil }
        self.event = event
        self.occurredAt = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Decodes the JSON of an entry's `payload` field; nil when it is not a `MessageEvent`.
    package static func decode(_ payload: String) -> IndexedEvent? {
        guard let event = try? JSONDecoder().decode(MessageEvent.self, from: Data(payload.utf8)) else { return nil }
        return IndexedEvent(event)
    }
}
