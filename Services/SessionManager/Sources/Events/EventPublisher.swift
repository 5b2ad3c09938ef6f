import Foundation
import Logging
import RedisStore
import WireModels

/// Builds session-manager's events for `sms:events` and appends them (`XADD MAXLEN ~ 1000000`,
/// field `payload`). Event ids are derived from what they describe (`conversation.started:42`), so
/// an event published again after a crash or a redelivery carries the same id and consumers that
/// deduplicate on `event_id` see it once.
package struct EventPublisher: Sendable {
    /// The approximate cap of `sms:events`.
    package static let maxLength = 1_000_000

    let redis: RedisClient
    let logger: Logger

    package init(redis: RedisClient, logger: Logger) {
        self.redis = redis
        self.logger = logger
    }

    /// The `XADD` command of one event, for a pipeline.
    package static func command(_ event: MessageEvent, encoder: JSONEncoder) throws -> [String] {
        let json = String(decoding: try encoder.encode(event), as: UTF8.self)
        return ["XADD", RedisKey.events, "MAXLEN", "~", String(maxLength), "*", RedisKey.payloadField, json]
    }

    /// Publishes events in one pipeline; error replies are thrown.
    package func publish(_ events: [MessageEvent]) async throws {
        let encoder = JSONEncoder.forwarding
        let replies = try await redis.pipeline(events.map { try Self.command($0, encoder: encoder) })
        if let failure = replies.compactMap(\.errorMessage).first {
            throw RedisError.server(failure)
        }
    }

    // MARK: Events

    /// `conversation.started`.
    package static func started(_ conversation: ConversationSnapshot, firstMessageID: String?, now: Int64) -> MessageEvent {
        conversationEvent(
            .conversationStarted, conversation, messageID: firstMessageID, now: now, level: "info", summary: "SMS conversation started",
            data: ["session_id": conversation.sessionID])
    }

    /// `conversation.message_added`: links a message to its conversation.
    package static func messageAdded(
        _ conversation: ConversationSnapshot, messageID: String, direction: String, provider: String?, messageIndex: Int?, now: Int64
    ) -> MessageEvent {
        let inbound = direction == "inbound"
        var data = ["session_id": conversation.sessionID]
        if let messageIndex { data["message_index"] = String(messageIndex) }
        return MessageEvent(
            eventID: "\(MessageEventType.conversationMessageAdded.rawValue):\(messageID)", type: .conversationMessageAdded,
            occurredAt: Timestamp.millis(now), messageID: messageID, organizationID: conversation.organizationID,
            assistantID: conversation.assistantID, direction: direction, provider: provider,
            from: inbound ? conversation.customerPhone : conversation.assistantPhone,
            to: inbound ? conversation.assistantPhone : conversation.customerPhone, body: nil, mediaURLs: nil,
            conversationID: conversation.id, level: "info",
            summary: inbound ? "Inbound message added to SMS conversation" : "Outbound message added to SMS conversation",
            eventData: data)
    }

    /// `conversation.completed`: the session ended (expired, cleared, or the conversation was archived).
    package static func completed(_ conversation: ConversationSnapshot, reason: String, now: Int64) -> MessageEvent {
        var data = ["reason": reason, "session_id": conversation.sessionID]
        if let endedAt = conversation.endedAt { data["ended_at"] = Timestamp.millis(endedAt) }
        return conversationEvent(
            .conversationCompleted, conversation, messageID: nil, now: now, level: "info", summary: "SMS conversation completed",
            data: data)
    }

    /// `conversation.archived`: consumers delete what they hold for the conversation.
    package static func archived(_ conversation: ConversationSnapshot, now: Int64) -> MessageEvent {
        conversationEvent(
            .conversationArchived, conversation, messageID: nil, now: now, level: "info", summary: "SMS conversation archived",
            data: ["session_id": conversation.sessionID])
    }

    /// `forwarding.attempted`: one attempt (or a skip) to POST an inbound text to the assistant.
    package static func forwardingAttempted(
        eventID: String, messageID: String, conversationID: Int, organizationID: Int, assistantID: Int, level: String, summary: String,
        data: [String: String], now: Int64
    ) -> MessageEvent {
        MessageEvent(
            eventID: eventID, type: .forwardingAttempted, occurredAt: Timestamp.millis(now), messageID: messageID,
            organizationID: organizationID, assistantID: assistantID, direction: "inbound", provider: nil, from: nil, to: nil,
            body: nil, mediaURLs: nil, conversationID: conversationID, level: level, summary: summary, eventData: data)
    }

    private static func conversationEvent(
        _ type: MessageEventType, _ conversation: ConversationSnapshot, messageID: String?, now: Int64, level: String, summary: String,
        data: [String: String]
    ) -> MessageEvent {
        let inbound = conversation.direction == "inbound"
        return MessageEvent(
            eventID: "\(type.rawValue):\(conversation.id)", type: type, occurredAt: Timestamp.millis(now), messageID: messageID,
            organizationID: conversation.organizationID, assistantID: conversation.assistantID, direction: conversation.direction,
            provider: nil, from: inbound ? conversation.customerPhone : conversation.assistantPhone,
            to: inbound ? conversation.assistantPhone : conversation.customerPhone, body: nil, mediaURLs: nil,
            conversationID: conversation.id, level: level, summary: summary, eventData: data)
    }
}
