import Logging
import ServiceLifecycle

/// Sends status callbacks for accepted messages in the background, so the send reply never
/// waits for them: each message's callbacks go out in order (sent before delivered), each after
/// the configured delay, each retried a bounded number of times; a receiver that is down only
/// shows up as failed attempts in `/sandbox/messages`.
final class CallbackDispatcher: Service, Sendable {
    private let state: SandboxState
    private let logger: Logger
    private let jobs: AsyncStream<AcceptedMessage>
    private let continuation: AsyncStream<AcceptedMessage>.Continuation

    /// How many accepted messages may wait for a dispatcher slot before new ones are dropped.
    private static let backlog = 200_000

    init(state: SandboxState, logger: Logger) {
        self.state = state
        self.logger = logger
        (jobs, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(Self.backlog))
    }

    /// Queues the status callbacks of an accepted message.
    func enqueue(_ message: AcceptedMessage) {
        if case .dropped = continuation.yield(message) {
            logger.warning("callback backlog full, dropping callbacks", metadata: ["sb.message_id": "\(message.messageID)"])
        }
    }

    func run() async {
        // On shutdown, cancel what is in flight (sleeps and POSTs end at once) instead of draining
        // minutes of retries.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await message in self.jobs {
                    group.addTask { await self.deliver(message) }
                }
            }
        }
        continuation.finish()
    }

    /// Sends every callback of one message, in order.
    private func deliver(_ message: AcceptedMessage) async {
        let configuration = state.configuration
        for step in Self.steps(for: message) {
            if configuration.callbackDelay > .zero {
                do {
                    try await Task.sleep(for: configuration.callbackDelay)
                } catch {
                    return
                }
            }
            var attempt = 0
            var response: WebhookResponse
            repeat {
                attempt += 1
                let request = webhook(for: message, step: step, attempt: attempt)
                response = await SandboxHTTPClient.post(request, timeout: configuration.callbackTimeout)
                if response.isSuccess || attempt >= configuration.callbackAttempts { break }
                do {
                    // 100 ms, 200 ms, 400 ms, ...: enough for a receiver that is starting up.
                    try await Task.sleep(for: .milliseconds(100 << min(attempt - 1, 6)))
                } catch {
                    return
                }
            } while true
            if !response.isSuccess {
                logger.debug(
                    "status callback failed",
                    metadata: [
                        "sb.message_id": "\(message.messageID)", "sb.status": "\(step.status)",
                        "sb.error": "\(response.error ?? "HTTP \(response.status ?? 0)")",
                    ])
            }
            state.store.recordCallback(
                messageID: message.messageID,
                .init(
                    status: step.status, httpStatus: response.status, attempts: attempt, error: response.error,
                    sentAt: state.clock.milliseconds()))
        }
    }

    private static func steps(for message: AcceptedMessage) -> [CallbackStep] {
        switch message.send.provider {
        case .twilio: TwilioWebhooks.statusSteps(for: message.outcome)
        case .telnyx: TelnyxWebhooks.statusSteps(for: message.outcome)
        case .vonage: VonageWebhooks.statusSteps(for: message.outcome)
        }
    }

    private func webhook(for message: AcceptedMessage, step: CallbackStep, attempt: Int) -> WebhookRequest {
        switch message.send.provider {
        case .twilio: TwilioWebhooks.statusCallback(message, step: step)
        case .telnyx: TelnyxWebhooks.statusCallback(message, step: step, attempt: attempt, key: state.telnyxKey)
        case .vonage: VonageWebhooks.statusCallback(message, step: step)
        }
    }
}
