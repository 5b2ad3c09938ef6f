/// What each emulated API says in the situations every send goes through.
protocol ProviderEmulator: Sendable {
    /// The invalid-number magic destination: the provider's "invalid to" rejection.
    func invalidNumber(_ send: OutboundSend) -> ProviderReply
    /// The opted-out magic destination; nil accepts the send and reports the opt-out later.
    func optedOut(_ send: OutboundSend) -> ProviderReply?
    /// 429 in the provider's shape, with `Retry-After`.
    func throttled(limit: Int) -> ProviderReply
    /// 500 in the provider's shape.
    func serverError() -> ProviderReply
    /// A fresh message id in the provider's format.
    func newMessageID(for send: OutboundSend) -> String
    /// The success reply.
    func accepted(_ message: AcceptedMessage) -> ProviderReply
}

/// The part of a send the three providers share once the request is authenticated and valid:
/// magic numbers, the optional rate limit, acceptance, recording, and queueing the callbacks.
struct SendPipeline: Sendable {
    let state: SandboxState
    let dispatcher: CallbackDispatcher

    /// Seconds a throttled client is told to wait.
    static let retryAfterSeconds = 1

    func process(_ send: OutboundSend, sequence: Int, emulator: some ProviderEmulator) async -> ProviderReply {
        let configuration = state.configuration
        var outcome = MagicNumber.DeliveryOutcome.delivered
        var countsAttempts = false
        if let magic = MagicNumber.lookup(send.to) {
            switch magic.behaviour {
            case .invalidNumber:
                return finish(sequence, send, emulator.invalidNumber(send))
            case .optedOut:
                if let reply = emulator.optedOut(send) { return finish(sequence, send, reply) }
                outcome = .optedOut
            case .throttled(let times):
                countsAttempts = true
                if state.priorAttempts(for: send.attemptKey) < times {
                    return finish(sequence, send, emulator.throttled(limit: configuration.rateLimitPerSecond ?? 1))
                }
            case .alwaysThrottled:
                return finish(sequence, send, emulator.throttled(limit: configuration.rateLimitPerSecond ?? 1))
            case .serverError(let times):
                countsAttempts = true
                if state.priorAttempts(for: send.attemptKey) < times {
                    return finish(sequence, send, emulator.serverError())
                }
            case .alwaysServerError:
                return finish(sequence, send, emulator.serverError())
            case .hang:
                try? await Task.sleep(for: configuration.hangDuration)
            case .accepted(let magicOutcome):
                outcome = magicOutcome
            }
        }
        guard state.store.admit(from: send.from, limit: configuration.rateLimitPerSecond) else {
            return finish(sequence, send, emulator.throttled(limit: configuration.rateLimitPerSecond ?? 1))
        }
        if countsAttempts { state.forgetAttempts(for: send.attemptKey) }

        let message = AcceptedMessage(
            send: send, messageID: emulator.newMessageID(for: send), count: SandboxSegmentCounter.count(send.body),
            outcome: outcome, acceptedAt: SandboxTimestamp())
        let reply = emulator.accepted(message)
        state.store.finish(
            sequence: sequence, account: send.account.lookupKey, httpStatus: reply.status, messageID: message.messageID,
            segments: message.count.segments, callbackURL: send.callbackURL)
        if configuration.callbacksEnabled, send.callbackURL != nil {
            dispatcher.enqueue(message)
        }
        return reply
    }

    private func finish(_ sequence: Int, _ send: OutboundSend, _ reply: ProviderReply) -> ProviderReply {
        state.store.finish(
            sequence: sequence, account: send.account.lookupKey, httpStatus: reply.status, errorCode: reply.errorCode)
        return reply
    }

    /// Records a rejection that happened before a send was complete (credentials, wire format).
    func reject(_ sequence: Int, account: SandboxAccount?, _ reply: ProviderReply) -> ProviderReply {
        state.store.finish(
            sequence: sequence, account: account?.lookupKey, httpStatus: reply.status, errorCode: reply.errorCode)
        return reply
    }
}
