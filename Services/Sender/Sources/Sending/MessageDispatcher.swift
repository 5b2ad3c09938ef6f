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
    let directory: DirectoryCache
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
        // The directory is read from memory, and the claim script checks it is still current. A
        // message is only ever failed or rejected on a fresh read.
        let number = Self.needsNumber(envelope) ? envelope.from : nil
        var fresh = false
        for directoryTry in 1...Self.directoryTries {
            let snapshot = try await directory.lookup(number: number, organizationID: envelope.organizationID, fresh: fresh)
            let message: OutboundMessage
            switch fill(envelope, queueProvider: queueProvider, number: snapshot.number) {
            case .message(let filled): message = filled
            case .rejected(let reason):
                if !snapshot.isFresh {
                    fresh = true
                    continue
                }
                try await deadLetterUnreadable(entry, queueProvider: queueProvider, reason: reason, payload: payload)
                return
            }
            let account = snapshot.credentials.flatMap { ProviderAccount(provider: message.provider, credentials: $0) }
            if account == nil && !snapshot.isFresh {
                fresh = true
                continue
            }
            // The last try claims unchecked, so a directory that keeps changing cannot hold a message forever.
            let version = directoryTry < Self.directoryTries ? snapshot.version : nil
            switch try await dispatch(message, account: account, entry: entry, directoryVersion: version, stop: stop) {
            case .done: return
            case .stale:
                directory.forget(number: number, organizationID: message.organizationID)
                fresh = true
            }
        }
        throw SenderError.unexpectedReply("the claim script answered stale without a directory check")
    }

    /// How many times a message is resolved from the directory and claimed when the claim finds
    /// the directory changed; the last try is unchecked.
    static let directoryTries = 3

    /// Whether the envelope leaves something to fill in from its number's directory entry.
    static func needsNumber(_ envelope: QueueEnvelope) -> Bool {
        envelope.organizationID == nil || envelope.provider == nil || envelope.assistantID == nil
    }

    /// How one claim of a message with one directory snapshot ended.
    enum Dispatched {
        /// Handled: sent, failed, retried, set aside, acknowledged, or left pending at shutdown.
        case done
        /// The directory changed since the snapshot; nothing was changed, read it again.
        case stale
    }

    /// Waits for the message's pacing slot, claims it and calls the provider. `directoryVersion`
    /// is the version the message's number and credentials were read at (nil: no check).
    private func dispatch(
        _ message: OutboundMessage, account: ProviderAccount?, entry: RedisStreamEntry, directoryVersion: String?,
        stop: StopSignal
    ) async throws -> Dispatched {
        var logger = logger
        logger[metadataKey: "sb.message_id"] = "\(message.messageID)"
        logger[metadataKey: "sb.provider"] = "\(message.provider)"

        let expired = message.validUntil.map { $0 <= Date() } ?? false
        var slot: ContinuousClock.Instant?
        if !expired, let account {
            switch try await waitForTokens(message, account: account, entry: entry, stop: stop) {
            case .taken(let reserved): slot = reserved
            case .setAside, .stopped: return .done
            }
        }
        // A stale claim leaves the slot unused: that only sends less, never more.
        var claim = try await self.claim(message, entry: entry, expired: expired, directoryVersion: directoryVersion)
        if claim.outcome == "missing" {
            // An envelope added by hand: give it the status record the gateway would have written.
            if try await create(message, status: .queued, attempts: 0, event: .queued, directoryVersion: directoryVersion) == .stale {
                return .stale
            }
            claim = try await self.claim(message, entry: entry, expired: expired, directoryVersion: directoryVersion)
        }
        if claim.outcome == "stale" { return .stale }

        switch claim.outcome {
        case "claimed", "resend":
            if claim.outcome == "resend" {
                logger.warning("re-sending a message whose sender died mid-call", metadata: ["sb.attempt": "\(claim.attempts)"])
            }
            // The ledger's `sending` row commits while the provider is called: rows are ordered by
            // revision, so it never overwrites the outcome, and its SQLite commit stays off the
            // path between the pacing slot and the call (where lateness costs a slot).
            let sendingRow = message.ledgerRow(.sending, stage: .sending, attempts: claim.attempts, at: Date())
            async let recorded: Void = ledger.record(sendingRow)
            guard let account else {
                await recorded
                try await finish(
                    message, .failed(reason: "\(message.provider) credentials are not configured", code: nil, deadLetter: false),
                    attempts: claim.attempts, entry: entry)
                return .done
            }
            do {
                if let slot { try await keepPace(message, account: account, slot: slot) }
                _ = try await attempt(message, account: account, attempts: claim.attempts, entry: entry)
            } catch {
                await recorded
                throw error
            }
            await recorded
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
        return .done
    }

    /// What a queue entry turned into once the directory filled its gaps.
    enum Filled {
        case message(OutboundMessage)
        /// The entry cannot be sent at all; the reason goes to the dead letter.
        case rejected(String)
    }

    /// Fills organization, assistant, provider, message id, validity and queue time from the
    /// tenant directory entry of `from` (`number`, read when ``needsNumber(_:)``) and the clock,
    /// for envelopes another system added by hand.
    func fill(_ envelope: QueueEnvelope, queueProvider: String, number: DirectoryPhoneNumber?) -> Filled {
        var envelope = envelope
        var organizationID = envelope.organizationID
        var provider = envelope.provider
        if Self.needsNumber(envelope), let number {
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

    private func claim(
        _ message: OutboundMessage, entry: RedisStreamEntry, expired: Bool, directoryVersion: String?
    ) async throws -> (outcome: String, attempts: Int) {
        let reply = try await redis.eval(
            SenderScripts.claim,
            keys: [
                RedisKey.message(message.messageID), RedisKey.events, entry.stream, RedisKey.resendCounter, RedisKey.directoryVersion,
            ],
            arguments: [
                RedisKey.senderGroup, entry.id, Timestamp.string(Date().timeIntervalSince1970), String(configuration.eventsMaxLength),
                try message.eventJSON(.sending, status: .sending, at: Date(), attempt: OutboundMessage.attemptPlaceholder),
                expired ? "1" : "0", directoryVersion ?? "-",
            ])
        guard let parts = reply.array, parts.count == 2, let outcome = parts[0].string, let attempts = parts[1].int else {
            throw SenderError.unexpectedReply("claim script answered \(reply)")
        }
        return (outcome, attempts)
    }

    /// What ``create(_:status:attempts:event:directoryVersion:)`` did.
    enum Created {
        case created
        /// The status hash existed already; nothing changed.
        case exists
        /// The directory changed since `directoryVersion`; nothing changed.
        case stale
    }

    /// Creates the status hash (and the first event) unless it exists or the directory changed
    /// since `directoryVersion` (nil: no check).
    private func create(
        _ message: OutboundMessage, status: MessageStatus, attempts: Int, event: MessageEventType, directoryVersion: String?
    ) async throws -> Created {
        let now = Date()
        let reply = try await redis.eval(
            SenderScripts.create,
            keys: [RedisKey.message(message.messageID), RedisKey.events, RedisKey.directoryVersion],
            arguments: [
                String(configuration.statusTTL.components.seconds), String(configuration.eventsMaxLength),
                try message.eventJSON(event, status: status, at: now, attempt: attempts == 0 ? nil : attempts),
                directoryVersion ?? "-",
            ] + message.statusFields(status, attempts: attempts, at: now))
        switch reply.int {
        case 1:
            let stage: LedgerRow.Stage = status == .queued ? .queued : .sending
            await ledger.record(message.ledgerRow(status, stage: stage, attempts: attempts, at: now))
            return .created
        case 0: return .exists
        case -1: return .stale
        default: throw SenderError.unexpectedReply("create script answered \(reply)")
        }
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
        let failure = APIError(.badGateway, "Failed to send SMS via \(provider)")
        // As for queued messages: credentials from memory, checked by the create script.
        var fresh = false
        for directoryTry in 1...Self.directoryTries {
            let snapshot = try await directory.lookup(number: nil, organizationID: organizationID, fresh: fresh)
            let account = snapshot.credentials.flatMap { ProviderAccount(provider: provider, credentials: $0) }
            if account == nil && !snapshot.isFresh {
                fresh = true
                continue
            }
            let version = directoryTry < Self.directoryTries ? snapshot.version : nil
            switch try await create(message, status: .sending, attempts: 1, event: .sending, directoryVersion: version) {
            case .stale:
                directory.forget(number: nil, organizationID: organizationID)
                fresh = true
                continue
            case .exists:
                throw APIError.conflict("Message \(messageID) already exists")
            case .created:
                break
            }
            guard let account else {
                try await finish(
                    message, .failed(reason: "\(provider) credentials are not configured", code: nil, deadLetter: false),
                    attempts: 1, entry: nil)
                throw failure
            }
            return try await sendNow(message, account: account, failure: failure)
        }
        throw SenderError.unexpectedReply("the create script answered stale without a directory check")
    }

    private func sendNow(_ message: OutboundMessage, account: ProviderAccount, failure: APIError) async throws -> SendSMSResponse {
        let messageID = message.messageID
        let provider = message.provider
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
