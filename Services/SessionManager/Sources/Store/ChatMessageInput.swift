import Synchronization
import WireModels

/// A text to store in a conversation, taken from a `message.received` or outbound `message.queued` event.
package struct ChatMessageInput: Sendable {
    package enum Direction: String, Sendable {
        /// From the customer: stored with role `user` and forwarded to the assistant.
        case inbound
        /// From the assistant's number: stored with role `assistant`.
        case outbound
    }

    package var messageID: String
    package var organizationID: Int
    package var assistantID: Int
    /// The directory's name of the assistant, snapshotted on conversations it starts.
    package var assistantName: String?
    package var customerPhone: String
    package var assistantPhone: String
    package var direction: Direction
    package var body: String
    package var mediaURLs: [String]
    package var provider: String?
    /// When the event happened, Unix milliseconds, and as it was written.
    package var occurredAt: Int64
    package var occurredAtText: String
    /// The conversation the Redis session named when the batch was read, if the session exists.
    package var sessionConversationID: Int?

    /// The chat message's text: the body, then any media URLs on their own lines.
    package var content: String {
        ([body] + mediaURLs).filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// What storing one message did.
package struct StoredMessageOutcome: Sendable {
    /// The conversation holding the message, after it was stored.
    package var conversation: ConversationSnapshot
    /// The message id had been stored before: nothing was written.
    package var isDuplicate: Bool
    /// The message started `conversation`.
    package var startedConversation: Bool
    /// Conversations whose session had ended, completed on the way.
    package var completed: [ConversationSnapshot]
}

/// Where the batched writer leaves a message's outcome for the consumer that submitted it.
package final class OutcomeSlot: Sendable {
    private let value = Mutex<StoredMessageOutcome?>(nil)

    package init() {}

    package var outcome: StoredMessageOutcome? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// One item of session-manager's batched writer.
package enum SessionWrite: Sendable {
    /// Store a chat message (and queue its forward when inbound).
    case chatMessage(ChatMessageInput, OutcomeSlot)
    /// Upsert a voice call record from `calls:ingest`.
    case callRecord(CallIngestRecord, assistantName: String?)
    /// Drop a forward that was delivered, given up or skipped.
    case forwardFinished(messageID: String)
    /// Record a failed attempt and when the next one is due (Unix milliseconds).
    case forwardRescheduled(messageID: String, attempts: Int, firstAttemptAt: Int64?, nextAttemptAt: Int64)
}
