import Foundation
import Synchronization

/// The in-memory record of what the sandbox received: a bounded ring of messages plus the
/// counters and sliding windows behind `/sandbox/stats` and the optional rate limit.
final class MessageStore: Sendable {
    private let state: Mutex<State>
    private let clock: SandboxClock

    init(capacity: Int, clock: SandboxClock) {
        self.clock = clock
        state = Mutex(State(capacity: capacity))
    }

    // MARK: Recording

    /// Records a send request on arrival and returns its sequence number; `finish` completes it.
    func begin(
        provider: SandboxProvider, account: String?, from: String, to: String, body: String, mediaURLs: [String],
        idempotencyKey: String?, clientRef: String?
    ) -> Int {
        state.withLock { state in
            let now = clock.milliseconds()
            state.nextSequence += 1
            var message = SandboxReceivedMessage(
                sequence: state.nextSequence, receivedAt: now, provider: provider, account: account, from: from, to: to,
                body: body, mediaURLs: mediaURLs, idempotencyKey: idempotencyKey, clientRef: clientRef, messageID: nil,
                httpStatus: 0, errorCode: nil, segments: nil, callbackURL: nil, callbacks: [])
            message.receivedAtUnix = Date().timeIntervalSince1970 * 1000
            state.append(message)
            state.stats.total.requests += 1
            state.stats.providers[provider, default: .init()].requests += 1
            if !from.isEmpty {
                state.windows[from, default: .init()].requests.add(now)
                let peak = state.windows[from]!.requests.peak
                state.stats.fromNumbers[from, default: .init()].requests += 1
                state.stats.fromNumbers[from]!.maxPerSecond = peak
            }
            return state.nextSequence
        }
    }

    /// Completes a request recorded by `begin` with the reply the sandbox gave.
    func finish(
        sequence: Int, account: String?, httpStatus: Int, errorCode: String? = nil, messageID: String? = nil,
        segments: Int? = nil, callbackURL: String? = nil
    ) {
        state.withLock { state in
            guard let position = state.position(of: sequence) else { return }
            let provider = state.ring[position].provider
            let from = state.ring[position].from
            state.ring[position].account = account
            state.ring[position].httpStatus = httpStatus
            state.ring[position].errorCode = errorCode
            state.ring[position].messageID = messageID
            state.ring[position].segments = segments
            state.ring[position].callbackURL = callbackURL
            if let messageID { state.sequenceByMessageID[messageID] = sequence }
            if (200..<300).contains(httpStatus) {
                state.stats.total.accepted += 1
                state.stats.providers[provider, default: .init()].accepted += 1
                if !from.isEmpty { state.stats.fromNumbers[from, default: .init()].accepted += 1 }
            }
        }
    }

    /// Counts an acceptance from `from` in its 1-second window; with a `limit`, refuses (false)
    /// when the window already holds that many.
    func admit(from: String, limit: Int?) -> Bool {
        guard !from.isEmpty else { return true }
        return state.withLock { state in
            let now = clock.milliseconds()
            var window = state.windows[from, default: .init()]
            if let limit, window.accepted.count(at: now) >= limit { return false }
            window.accepted.add(now)
            state.windows[from] = window
            state.stats.fromNumbers[from, default: .init()].maxAcceptedPerSecond = window.accepted.peak
            return true
        }
    }

    /// Appends a status callback outcome to the message with `messageID`.
    func recordCallback(messageID: String, _ callback: SandboxReceivedMessage.Callback) {
        state.withLock { state in
            guard let sequence = state.sequenceByMessageID[messageID], let position = state.position(of: sequence) else {
                return
            }
            state.ring[position].callbacks.append(callback)
        }
    }

    // MARK: Reading

    /// The most recent `limit` messages matching the filters, oldest first. Numbers match with or
    /// without a leading `+`.
    func messages(provider: SandboxProvider?, from: String?, to: String?, limit: Int) -> [SandboxReceivedMessage] {
        let fromDigits = from.map(PhoneNumberFormat.digits)
        let toDigits = to.map(PhoneNumberFormat.digits)
        return state.withLock { state in
            var found: [SandboxReceivedMessage] = []
            var sequence = state.nextSequence
            let oldest = state.oldestSequence
            while sequence >= oldest, found.count < limit {
                let message = state.ring[state.slot(of: sequence)]
                sequence -= 1
                if let provider, message.provider != provider { continue }
                if let fromDigits, PhoneNumberFormat.digits(message.from) != fromDigits { continue }
                if let toDigits, PhoneNumberFormat.digits(message.to) != toDigits { continue }
                found.append(message)
            }
            return found.reversed()
        }
    }

    /// The message with a provider id, if still kept.
    func message(id: String) -> SandboxReceivedMessage? {
        state.withLock { state in
            state.sequenceByMessageID[id].flatMap(state.position(of:)).map { state.ring[$0] }
        }
    }

    var stats: SandboxStats {
        state.withLock { $0.stats }
    }

    /// Forgets every message and counter.
    func clear() {
        state.withLock { state in state = State(capacity: state.capacity) }
    }

    // MARK: State

    private struct State {
        let capacity: Int
        var ring: [SandboxReceivedMessage] = []
        var nextSequence = 0
        var sequenceByMessageID: [String: Int] = [:]
        var stats = SandboxStats()
        var windows: [String: FromWindows] = [:]

        init(capacity: Int) {
            self.capacity = capacity
        }

        var oldestSequence: Int { max(1, nextSequence - ring.count + 1) }

        func slot(of sequence: Int) -> Int { (sequence - 1) % capacity }

        func position(of sequence: Int) -> Int? {
            guard sequence >= oldestSequence, sequence <= nextSequence else { return nil }
            return slot(of: sequence)
        }

        mutating func append(_ message: SandboxReceivedMessage) {
            if ring.count < capacity {
                ring.append(message)
                return
            }
            let slot = slot(of: message.sequence)
            if let evicted = ring[slot].messageID { sequenceByMessageID[evicted] = nil }
            ring[slot] = message
        }
    }

    private struct FromWindows {
        var requests = SlidingWindow()
        var accepted = SlidingWindow()
    }
}
