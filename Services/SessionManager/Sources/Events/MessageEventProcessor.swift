import Foundation
import Logging
import RedisStore
import SQLiteStore
import ServiceRuntime
import WireModels

/// Turns a batch of `sms:events` entries into stored chat messages.
///
/// Only `message.received` (inbound) and outbound `message.queued` matter; every other entry is
/// acknowledged untouched, and so is an entry that cannot be decoded (logged). For the rest it reads
/// the sessions and assistant names of the batch from Redis in two round trips, stores the whole
/// batch through the `BatchedWriter` (one transaction), then in one pipeline refreshes the
/// sessions, publishes the conversation events and acknowledges the entries. A crash before the
/// acknowledgement replays the batch; message ids already stored are skipped and their events
/// published again under the same event ids.
package struct MessageEventProcessor: Sendable {
    let redis: RedisClient
    let writer: BatchedWriter<SessionWrite>
    let directory: DirectoryReader
    let sessions: SessionStore
    let forwardingSignal: WakeSignal
    let logger: Logger

    package init(
        redis: RedisClient, writer: BatchedWriter<SessionWrite>, directory: DirectoryReader, sessions: SessionStore,
        forwardingSignal: WakeSignal, logger: Logger
    ) {
        self.redis = redis
        self.writer = writer
        self.directory = directory
        self.sessions = sessions
        self.forwardingSignal = forwardingSignal
        self.logger = logger
    }

    /// A message event reduced to what a conversation needs, before its session is known.
    private struct Candidate {
        var event: MessageEvent
        var messageID: String
        var direction: ChatMessageInput.Direction
        var customer: String
        var assistantNumber: String
        var organizationID: Int?
        var assistantID: Int?
    }

    package func process(_ entries: [RedisStreamEntry]) async throws {
        let decoder = JSONDecoder()
        var candidates: [Candidate] = []
        for entry in entries {
            // Most entries are of other types (delivery receipts, our own conversation and audit
            // events); skip them without decoding when the compact JSON says so.
            if let payload = entry.fields[RedisKey.payloadField], Self.isSurelyIrrelevant(payload) { continue }
            guard let payload = entry.fields[RedisKey.payloadField],
                let event = try? decoder.decode(MessageEvent.self, from: Data(payload.utf8))
            else {
                logger.warning("skipping undecodable sms:events entry", metadata: ["sb.entry_id": "\(entry.id)"])
                continue
            }
            let direction: ChatMessageInput.Direction
            switch event.type {
            case .received: direction = .inbound
            case .queued where event.direction == "outbound": direction = .outbound
            default: continue
            }
            guard let messageID = event.messageID, !messageID.isEmpty, let from = event.from, let to = event.to else {
                logger.warning("skipping message event without message id or numbers", metadata: ["sb.entry_id": "\(entry.id)"])
                continue
            }
            candidates.append(
                Candidate(
                    event: event, messageID: messageID, direction: direction, customer: direction == .inbound ? from : to,
                    assistantNumber: direction == .inbound ? to : from, organizationID: event.organizationID,
                    assistantID: event.assistantID))
        }

        let inputs = try await resolve(candidates)
        let slots = inputs.map { _ in OutcomeSlot() }
        try await writer.submit(contentsOf: zip(inputs, slots).map { SessionWrite.chatMessage($0, $1) })
        try await finish(entries: entries, inputs: inputs, outcomes: slots.map(\.outcome))
    }

    /// True when a compact JSON payload (`"type":"` without spaces, as every Switchboard process
    /// writes it) names neither `message.received` nor `message.queued`; anything else is decoded.
    static func isSurelyIrrelevant(_ payload: String) -> Bool {
        payload.contains(#""type":""#) && !payload.contains(#""type":"message.received""#)
            && !payload.contains(#""type":"message.queued""#)
    }

    /// Fills in missing organizations and assistants from the directory, and reads the sessions and
    /// assistant names of the batch.
    private func resolve(_ candidates: [Candidate]) async throws -> [ChatMessageInput] {
        var resolved: [Candidate] = []
        for var candidate in candidates {
            if candidate.organizationID == nil || candidate.assistantID == nil {
                // Events from other systems may leave these out; the number's directory entry knows them.
                let number = try await directory.phoneNumber(candidate.assistantNumber)
                candidate.organizationID = candidate.organizationID ?? number?.organizationID
                candidate.assistantID = candidate.assistantID ?? number?.assistantID
            }
            guard candidate.organizationID != nil, candidate.assistantID != nil else {
                logger.info(
                    "skipping message without an assistant",
                    metadata: ["sb.message_id": "\(candidate.messageID)", "sb.number": "\(candidate.assistantNumber)"])
                continue
            }
            resolved.append(candidate)
        }
        guard !resolved.isEmpty else { return [] }

        let sessionKeys = resolved.map { RedisKey.session(customerPhone: $0.customer, assistantID: $0.assistantID!) }
        let assistantIDs = Array(Set(resolved.compactMap(\.assistantID)))
        let replies = try await redis.pipeline([
            ["MGET"] + sessionKeys, ["MGET"] + assistantIDs.map(RedisKey.directoryAssistant),
        ])
        guard replies.count == 2, let sessionValues = replies[0].array, let assistantValues = replies[1].array else {
            throw SessionManagerError.unexpectedRedisReply("MGET answered \(replies)")
        }
        let decoder = JSONDecoder()
        var names: [Int: String] = [:]
        for (id, value) in zip(assistantIDs, assistantValues) {
            if let json = value.string, let assistant = try? decoder.decode(DirectoryAssistant.self, from: Data(json.utf8)) {
                names[id] = assistant.name
            }
        }
        return zip(resolved, sessionValues).map { candidate, value in
            let document = value.string.flatMap { try? decoder.decode(SMSSessionDocument.self, from: Data($0.utf8)) }
            let event = candidate.event
            let occurredAt = Timestamp.parseMillis(event.occurredAt) ?? Timestamp.nowMillis()
            return ChatMessageInput(
                messageID: candidate.messageID, organizationID: candidate.organizationID!, assistantID: candidate.assistantID!,
                assistantName: names[candidate.assistantID!], customerPhone: candidate.customer,
                assistantPhone: candidate.assistantNumber, direction: candidate.direction, body: event.body ?? "",
                mediaURLs: event.mediaURLs ?? [], provider: event.provider, occurredAt: occurredAt,
                occurredAtText: Timestamp.millis(occurredAt),
                sessionConversationID: document?.organizationID == candidate.organizationID ? document?.conversationID : nil)
        }
    }

    /// After the commit: sessions, events and acknowledgements in one pipeline.
    private func finish(entries: [RedisStreamEntry], inputs: [ChatMessageInput], outcomes: [StoredMessageOutcome?]) async throws {
        let now = Timestamp.nowMillis()
        let encoder = JSONEncoder.forwarding
        var events: [MessageEvent] = []
        var latest: [Int: ConversationSnapshot] = [:]
        var touchOrder: [Int] = []
        var queuedForward = false
        for (input, outcome) in zip(inputs, outcomes) {
            guard let outcome else { continue }
            for completed in outcome.completed {
                events.append(EventPublisher.completed(completed, reason: "session_expired", now: now))
            }
            let conversation = outcome.conversation
            if outcome.startedConversation {
                events.append(EventPublisher.started(conversation, firstMessageID: outcome.isDuplicate ? nil : input.messageID, now: now))
            }
            events.append(
                EventPublisher.messageAdded(
                    conversation, messageID: input.messageID, direction: input.direction.rawValue, provider: input.provider,
                    messageIndex: outcome.isDuplicate ? nil : conversation.messageCount, now: now))
            if conversation.isActive {
                if latest[conversation.id] == nil { touchOrder.append(conversation.id) }
                latest[conversation.id] = conversation
            }
            if input.direction == .inbound && !outcome.isDuplicate { queuedForward = true }
        }
        var commands = try sessions.touchCommands(touchOrder.compactMap { latest[$0] }, now: now)
        let eventCommandsStart = commands.count
        commands += try events.map { try EventPublisher.command($0, encoder: encoder) }
        var acked = 0
        for chunk in stride(from: 0, to: entries.count, by: 1000) {
            let ids = entries[chunk..<min(chunk + 1000, entries.count)].map(\.id)
            commands.append(["XACK", RedisKey.events, RedisKey.sessionManagerGroup] + ids)
            acked += ids.count
        }
        let replies = try await redis.pipeline(commands)
        for (index, reply) in replies.enumerated() {
            if let message = reply.errorMessage {
                logger.error(
                    index < eventCommandsStart ? "session refresh failed" : "publishing or acknowledging failed",
                    metadata: ["sb.error": "\(message)"])
            }
        }
        if queuedForward { forwardingSignal.wake() }
        logger.trace("events processed", metadata: ["sb.count": "\(entries.count)", "sb.stored": "\(inputs.count)"])
    }
}
