import Foundation
import Logging
import Providers
import RedisStore
import ServiceRuntime
import WireModels

/// Takes one message from the queue (or from `POST /internal/send`) to its provider and records
/// what happened: the status hash, the events, the retry set or dead letters, and the ledger.
struct MessageDispatcher: Sendable {
    let redis: RedisClient
    let directory: DirectoryReader
    let providers: ProviderClients
    let pacing: PacingLimiter
    let ledger: StatusLedger
    let configuration: SenderConfiguration
    let logger: Logger

    /// The longest pacing wait a message spends holding a consumer slot; a longer one sets the
    /// message aside in the retry set, so a busy number never starves the others.
    static let maxInlinePacingWait: Duration = .seconds(2)

    var backoff: Backoff { Backoff(base: configuration.backoffBase, max: configuration.backoffMax) }

    // MARK: Queue entries

    /// Handles one queue entry. Errors (Redis unreachable) are logged and leave the entry pending:
    /// it is taken over again once idle.
    func process(_ entry: RedisStreamEntry, queueProvider: String, stop: StopSignal) async {
        do {
            try await handle(entry, queueProvider: queueProvider, stop: stop)
        } catch {
            logger.error(
                "queue entry left pending after an error",
                metadata: ["sb.entry_id": "\(entry.id)", "sb.provider": "\(queueProvider)", "sb.error": "\(error)"])
        }
    }

    private func handle(_ entry: RedisStreamEntry, queueProvider: String, stop: StopSignal) async throws {
        let payload = entry.fields[RedisKey.payloadField]
        guard let payload, let envelope = try? JSONDecoder().decode(QueueEnvelope.self, from: Data(payload.utf8)) else {
            try await deadLetterUnreadable(entry, queueProvider: queueProvider, reason: "unreadable envelope", payload: payload)
            return
        }
        let message: OutboundMessage
        switch try await fill(envelope, queueProvider: queueProvider) {
        case .message(let filled): message = filled
        case .rejected(let reason):
            try await deadLetterUnreadable(entry, queueProvider: queueProvider, reason: reason, payload: payload)
            return
        }
        var logger = logger
        logger[metadataKey: "sb.message_id"] = "\(message.messageID)"
        logger[metadataKey: "sb.provider"] = "\(message.provider)"

        let expired = message.validUntil.map { $0 <= Date() } ?? false
        let account = try await account(for: message)
        var slot: ContinuousClock.Instant?
        if !expired, let account {
            switch try await waitForTokens(message, account: account, entry: entry, stop: stop) {
            case .taken(let reserved): slot = reserved
            case .setAside, .stopped: return
            }
        }

        var claim = try await self.claim(message, entry: entry, expired: expired)
        if claim.outcome == "missing" {
            // An envelope added by hand: give it the status record the gateway would have written.
            try await create(message, status: .queued, attempts: 0, event: .queued)
            claim = try await self.claim(message, entry: entry, expired: expired)
        }
        switch claim.outcome {
        case "claimed", "resend":
            if claim.outcome == "resend" {
                logger.warning("re-sending a message whose sender died mid-call", metadata: ["sb.attempt": "\(claim.attempts)"])
            }
            await ledger.record(message.ledgerRow(.sending, stage: .sending, attempts: claim.attempts, at: Date()))
            guard let account else {
                try await finish(
                    message, .failed(reason: "\(message.provider) credentials are not configured", code: nil, deadLetter: false),
                    attempts: claim.attempts, entry: entry)
                return
            }
            if let slot { try await keepPace(message, account: account, slot: slot) }
            _ = try await attempt(message, account: account, attempts: claim.attempts, entry: entry)
        case "abandon":
            logger.error("giving up a message sent twice without an answer")
            try await finish(
                message, .failed(reason: "abandoned after an uncertain send", code: nil, deadLetter: true),
                attempts: claim.attempts, entry: entry)
        case "expired":
            try await finish(
                message, .failed(reason: "validity period expired before the message could be sent", code: nil, deadLetter: true),
                attempts: claim.attempts, entry: entry)
        default:
            logger.debug("queue entry acknowledged without a send", metadata: ["sb.status": "\(claim.outcome)"])
        }
    }

    /// What a queue entry turned into once the directory filled its gaps.
    enum Filled {
        case message(OutboundMessage)
        /// The entry cannot be sent at all; the reason goes to the dead letter.
        case rejected(String)
    }

    /// Fills organization, assistant, provider, message id, validity and queue time from the
    /// tenant directory (by `from`) and the clock, for envelopes another system added by hand.
    func fill(_ envelope: QueueEnvelope, queueProvider: String) async throws -> Filled {
        var envelope = envelope
        var organizationID = envelope.organizationID
        var provider = envelope.provider
        if organizationID == nil || provider == nil || envelope.assistantID == nil,
            let number = try await directory.phoneNumber(envelope.from)
        {
            organizationID = organizationID ?? number.organizationID
            // The directory speaks for the number's owner only.
            if number.organizationID == organizationID {
                provider = provider ?? number.provider
                envelope.assistantID = envelope.assistantID ?? number.assistantID
            }
        }
        guard let organizationID else {
            return .rejected("sending number \(envelope.from) is not registered to any organization")
        }
        let resolvedProvider = provider ?? queueProvider
        guard RedisKey.providers.contains(resolvedProvider) else { return .rejected("unknown provider \(resolvedProvider)") }
        let now = Date().timeIntervalSince1970
        if envelope.queuedAt == nil { envelope.queuedAt = Timestamp.string(now) }
        if envelope.validUntil == nil {
            envelope.validUntil = Timestamp.string(now + Double(configuration.validity.components.seconds))
        }
        let messageID = envelope.messageID ?? UUID().uuidString.lowercased()
        return .message(
            OutboundMessage(envelope: envelope, messageID: messageID, organizationID: organizationID, provider: resolvedProvider))
    }

    /// The organization's account for the message's provider, or nil when not configured.
    func account(for message: OutboundMessage) async throws -> ProviderAccount? {
        guard let credentials = try await directory.credentials(organizationID: message.organizationID) else { return nil }
        return ProviderAccount(provider: message.provider, credentials: credentials)
    }

    // MARK: Pacing

    enum PacingResult {
        /// A slot is reserved in both buckets and its time has come: send now.
        case taken(slot: ContinuousClock.Instant)
        /// The wait was long: the message is in the retry set until its turn, the entry acknowledged.
        case setAside
        /// Shutdown began while waiting: the entry stays pending for another sender.
        case stopped
    }

    private func waitForTokens(
        _ message: OutboundMessage, account: ProviderAccount, entry: RedisStreamEntry, stop: StopSignal
    ) async throws -> PacingResult {
        switch try await pacing.take(
            provider: message.provider, from: message.from, accountID: account.accountID, maxWait: Self.maxInlinePacingWait)
        {
        case .reserved(let wait):
            // The slot is ours; leaving it unused (shutdown) only sends less, never more.
            let slot = ContinuousClock.now + wait
            if wait > .zero {
                if stop.isStopped { return .stopped }
                try await Task.sleep(for: wait)
            }
            return .taken(slot: slot)
        case .full(let nextSlotIn):
            _ = try await redis.eval(
                SenderScripts.setAside,
                keys: [RedisKey.message(message.messageID), entry.stream, RedisKey.retries(provider: message.provider)],
                arguments: [RedisKey.senderGroup, entry.id, String(nextSlotIn.wholeMilliseconds), try message.envelopeJSON()])
            return .setAside
        }
    }

    /// Takes a new slot for a message that reaches its provider call later than its slot by more
    /// than half a slot interval (a stall in this process, in Redis or in SQLite). Sending it at
    /// once would bunch it with the messages whose slots follow, and the provider would see more
    /// in one second than the bucket allows; the missed slot is left unused instead. The message
    /// is already `sending`, so it waits inline, whatever the wait.
    ///
    /// This happens once at most: the new slot is only a sleep away, so a message late for it
    /// too was held up by this process' own scheduling, and re-taking again would only add Redis
    /// round trips under load (at high rates nearly every message is "late" by the 5 ms floor
    /// of the tolerance, and looping cut the end-to-end rate by half).
    private func keepPace(_ message: OutboundMessage, account: ProviderAccount, slot: ContinuousClock.Instant) async throws {
        let tolerance = pacing.lateness(provider: message.provider)
        guard ContinuousClock.now - slot > tolerance else { return }
        guard case .reserved(let wait) = try await pacing.take(
            provider: message.provider, from: message.from, accountID: account.accountID, maxWait: .seconds(86_400))
        else { return }
        logger.debug("pacing slot missed, took a later one", metadata: ["sb.message_id": "\(message.messageID)"])
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    // MARK: Claim

    private func claim(_ message: OutboundMessage, entry: RedisStreamEntry, expired: Bool) async throws -> (outcome: String, attempts: Int) {
        let reply = try await redis.eval(
            SenderScripts.claim,
            keys: [RedisKey.message(message.messageID), RedisKey.events, entry.stream, RedisKey.resendCounter],
            arguments: [
                RedisKey.senderGroup, entry.id, Timestamp.string(Date().timeIntervalSince1970), String(configuration.eventsMaxLength),
                try message.eventJSON(.sending, status: .sending, at: Date(), attempt: OutboundMessage.attemptPlaceholder),
                expired ? "1" : "0",
            ])
        guard let parts = reply.array, parts.count == 2, let outcome = parts[0].string, let attempts = parts[1].int else {
            throw SenderError.unexpectedReply("claim script answered \(reply)")
        }
        return (outcome, attempts)
    }

    /// Creates the status hash (and the first event) unless it exists; returns whether it did.
    @discardableResult
    private func create(_ message: OutboundMessage, status: MessageStatus, attempts: Int, event: MessageEventType) async throws -> Bool {
        let now = Date()
        let reply = try await redis.eval(
            SenderScripts.create,
            keys: [RedisKey.message(message.messageID), RedisKey.events],
            arguments: [
                String(configuration.statusTTL.components.seconds), String(configuration.eventsMaxLength),
                try message.eventJSON(event, status: status, at: now, attempt: attempts == 0 ? nil : attempts),
            ] + message.statusFields(status, attempts: attempts, at: now))
        let created = reply.int == 1
        if created {
            let stage: LedgerRow.Stage = status == .queued ? .queued : .sending
            await ledger.record(message.ledgerRow(status, stage: stage, attempts: attempts, at: now))
        }
        return created
    }

    // MARK: Provider call and outcome

    /// How an attempt ended, as the status hash records it.
    enum Outcome {
        case sent(ProviderSendResult)
        case retry(after: Duration, error: ProviderError)
        case failed(reason: String, code: String?, deadLetter: Bool)
    }

    /// Calls the provider once and applies the outcome. `entry` nil means an immediate send: no
    /// retries, no dead letters.
    private func attempt(
        _ message: OutboundMessage, account: ProviderAccount, attempts: Int, entry: RedisStreamEntry?
    ) async throws -> Outcome {
        let client = providers.client(for: account.credentials)
        let request = ProviderSendRequest(
            from: message.from, to: message.to, body: message.envelope.body, mediaURLs: message.envelope.mediaURLs ?? [],
            statusCallbackURL: configuration.webhookPublicURL + ProviderAccount.statusCallbackPath(message.provider),
            clientReference: message.messageID)
        let outcome: Outcome
        do {
            outcome = .sent(try await client.send(request))
        } catch let error as ProviderError {
            outcome = decide(error, message: message, attempts: attempts, queued: entry != nil)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            outcome = .failed(reason: "\(error)", code: nil, deadLetter: false)
        }
        try await finish(message, outcome, attempts: attempts, entry: entry)
        return outcome
    }

    /// Retry or give up: retryable errors are retried while attempts and validity remain.
    func decide(_ error: ProviderError, message: OutboundMessage, attempts: Int, queued: Bool, now: Date = Date()) -> Outcome {
        guard error.isRetryable, queued else {
            return .failed(reason: error.message, code: error.providerCode, deadLetter: false)
        }
        guard attempts < configuration.maxAttempts else {
            return .failed(reason: "gave up after \(attempts) attempts: \(error.message)", code: error.providerCode, deadLetter: true)
        }
        let delay = backoff.delay(afterAttempt: attempts, retryAfter: error.retryAfter)
        if let validUntil = message.validUntil,
            now.addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18) >= validUntil
        {
            return .failed(
                reason: "validity period ends before the next attempt: \(error.message)", code: error.providerCode, deadLetter: true)
        }
        return .retry(after: delay, error: error)
    }

    /// Applies an outcome atomically (``SenderScripts/finish``), then records it in the ledger.
    private func finish(_ message: OutboundMessage, _ outcome: Outcome, attempts: Int, entry: RedisStreamEntry?) async throws {
        let now = Date()
        var kind = "failed"
        var event: String
        var deadLetter = ""
        var providerMessageID = ""
        var errorText = ""
        var errorCode = ""
        var delayMilliseconds: Int64 = 0
        let row: LedgerRow
        switch outcome {
        case .sent(let result):
            kind = "sent"
            providerMessageID = result.providerMessageID
            event = try message.eventJSON(
                .sent, status: .sent, at: now, attempt: attempts, providerMessageID: result.providerMessageID)
            row = message.ledgerRow(.sent, stage: .final, attempts: attempts, at: now, providerMessageID: result.providerMessageID)
        case .retry(let delay, let error):
            kind = "retry"
            errorText = error.message
            errorCode = error.providerCode ?? ""
            delayMilliseconds = delay.wholeMilliseconds
            event = try message.eventJSON(
                .retrying, status: .queued, at: now, attempt: attempts, errorCode: error.providerCode, errorMessage: error.message)
            row = message.ledgerRow(
                .queued, stage: .retrying, attempts: attempts, at: now, error: error.message, errorCode: error.providerCode)
        case .failed(let reason, let code, let toDeadLetter):
            errorText = reason
            errorCode = code ?? ""
            event = try message.eventJSON(.failed, status: .failed, at: now, attempt: attempts, errorCode: code, errorMessage: reason)
            if toDeadLetter {
                deadLetter = try message.deadLetterJSON(reason: reason, errorCode: code, attempts: attempts, entryID: entry?.id, at: now)
            }
            row = message.ledgerRow(.failed, stage: .final, attempts: attempts, at: now, error: reason, errorCode: code)
        }
        let reply = try await redis.eval(
            SenderScripts.finish,
            keys: [
                RedisKey.message(message.messageID), RedisKey.events, entry?.stream ?? RedisKey.queue(provider: message.provider),
                RedisKey.deadLetters(provider: message.provider), RedisKey.retries(provider: message.provider),
                RedisKey.providerMessage(provider: message.provider, providerMessageID: providerMessageID.isEmpty ? "-" : providerMessageID),
                RedisKey.earlyReceipt(provider: message.provider, providerMessageID: providerMessageID.isEmpty ? "-" : providerMessageID),
            ],
            arguments: [
                RedisKey.senderGroup, entry?.id ?? "", kind, Timestamp.string(now.timeIntervalSince1970),
                String(configuration.eventsMaxLength), String(configuration.statusTTL.components.seconds), event, deadLetter,
                message.messageID, providerMessageID, errorText, errorCode, String(delayMilliseconds),
                kind == "retry" ? try message.envelopeJSON() : "",
            ])
        guard let parts = reply.array, let result = parts.first?.string else {
            throw SenderError.unexpectedReply("finish script answered \(reply)")
        }
        if result == "stale" {
            logger.info(
                "outcome dropped: the message had moved on",
                metadata: ["sb.message_id": "\(message.messageID)", "sb.status": "\(parts.last?.string ?? "")"])
            return
        }
        await ledger.record(row)
        switch outcome {
        case .sent(let result):
            logger.debug(
                "message sent",
                metadata: ["sb.message_id": "\(message.messageID)", "sb.provider_message_id": "\(result.providerMessageID)"])
        case .retry(let delay, let error):
            logger.info(
                "message will be retried",
                metadata: ["sb.message_id": "\(message.messageID)", "sb.delay": "\(delay)", "sb.error": "\(error)"])
        case .failed(let reason, _, _):
            logger.warning("message failed", metadata: ["sb.message_id": "\(message.messageID)", "sb.error": "\(reason)"])
        }
    }

    private func deadLetterUnreadable(_ entry: RedisStreamEntry, queueProvider: String, reason: String, payload: String?) async throws {
        logger.error(
            "queue entry moved to the dead letters",
            metadata: ["sb.entry_id": "\(entry.id)", "sb.provider": "\(queueProvider)", "sb.reason": "\(reason)"])
        let letter = DeadLetter(
            messageID: nil, provider: queueProvider, reason: reason, errorCode: nil, attempts: nil, streamEntryID: entry.id,
            envelope: payload ?? "", failedAt: Timestamp.string(Date().timeIntervalSince1970))
        _ = try await redis.eval(
            SenderScripts.deadLetter,
            keys: [RedisKey.deadLetters(provider: queueProvider), entry.stream],
            arguments: [RedisKey.senderGroup, entry.id, String(decoding: try JSONEncoder().encode(letter), as: UTF8.self)])
    }

    // MARK: Immediate sends

    /// Sends at once (`POST /internal/send`): `sending`, then `sent` or `failed`, with events; no
    /// queue, no pacing, no retries.
    ///
    /// - Throws: `APIError` 400 for an envelope without id, organization or a known provider, 409
    ///   when the message id exists already, 502 when the provider did not accept the message.
    func sendNow(_ envelope: QueueEnvelope) async throws -> SendSMSResponse {
        guard let messageID = envelope.messageID, !messageID.isEmpty, let organizationID = envelope.organizationID,
            let provider = envelope.provider, RedisKey.providers.contains(provider)
        else {
            throw APIError.badRequest("An immediate send needs message_id, organization_id and a known provider")
        }
        var envelope = envelope
        if envelope.queuedAt == nil { envelope.queuedAt = Timestamp.string(Date().timeIntervalSince1970) }
        let message = OutboundMessage(envelope: envelope, messageID: messageID, organizationID: organizationID, provider: provider)
        guard try await create(message, status: .sending, attempts: 1, event: .sending) else {
            throw APIError.conflict("Message \(messageID) already exists")
        }
        let failure = APIError(.badGateway, "Failed to send SMS via \(provider)")
        guard let account = try await account(for: message) else {
            try await finish(
                message, .failed(reason: "\(provider) credentials are not configured", code: nil, deadLetter: false),
                attempts: 1, entry: nil)
            throw failure
        }
        switch try await attempt(message, account: account, attempts: 1, entry: nil) {
        case .sent:
            return SendSMSResponse(
                success: true, messageID: messageID, message: "SMS sent successfully via \(provider)", provider: provider,
                status: MessageStatus.sent.rawValue)
        case .retry, .failed:
            throw failure
        }
    }
}
