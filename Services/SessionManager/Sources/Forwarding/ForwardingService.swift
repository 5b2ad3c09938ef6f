import AsyncHTTPClient
import Foundation
import GRDB
import Logging
import Hummingbird
import SQLiteStore
import ServiceLifecycle
import ServiceRuntime
import Synchronization
import WireModels

/// Forwards inbound texts to their assistant's `sms_webhook_url`, from the durable outbox
/// (`forward_outbox`, written in the same transaction as the message).
///
/// Due rows are claimed (their `next_attempt_at` moved past the request timeout, so a crash
/// mid-request retries them later) and POSTed, up to `concurrency` at once, signed with
/// `X-Switchboard-Signature`. A 2xx removes the row; a network error or another status schedules
/// the next attempt with exponential backoff and jitter, until `maxAttempts` or `maxElapsed`, when
/// it gives up. An assistant without a webhook URL (or inactive, or gone) is skipped. Every attempt
/// and skip is published as a `forwarding.attempted` audit event.
package final class ForwardingService: Service, Sendable {
    private let database: SQLiteDatabase
    private let writer: BatchedWriter<SessionWrite>
    private let directory: DirectoryReader
    private let publisher: EventPublisher
    private let httpClient: HTTPClient
    private let policy: ForwardingPolicy
    private let signal: WakeSignal
    private let logger: Logger
    private let inFlight = Mutex(0)

    package init(
        database: SQLiteDatabase, writer: BatchedWriter<SessionWrite>, directory: DirectoryReader, publisher: EventPublisher, httpClient: HTTPClient, policy: ForwardingPolicy,
        signal: WakeSignal, logger: Logger
    ) {
        self.database = database
        self.writer = writer
        self.directory = directory
        self.publisher = publisher
        self.httpClient = httpClient
        self.policy = policy
        self.signal = signal
        self.logger = logger
    }

    /// One outbox row.
    struct Forward: Sendable {
        var messageID: String
        var organizationID: Int
        var assistantID: Int
        var conversationID: Int
        var body: String
        var attempts: Int
        var firstAttemptAt: Int64?
    }

    package func run() async throws {
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let capacity = policy.concurrency - inFlight.withLock { $0 }
                var claimed: [Forward] = []
                if capacity > 0 {
                    do {
                        claimed = try await claim(limit: capacity)
                    } catch {
                        logger.error("claiming forwards failed", metadata: ["sb.error": "\(error)"])
                    }
                }
                for forward in claimed {
                    inFlight.withLock { $0 += 1 }
                    group.addTask {
                        await self.attempt(forward)
                        self.inFlight.withLock { $0 -= 1 }
                        self.signal.wake()
                    }
                }
                if claimed.isEmpty || claimed.count < capacity {
                    await cancelWhenGracefulShutdown { await self.signal.wait(timeout: self.policy.pollInterval) }
                }
            }
        }
    }

    /// Takes up to `limit` due rows, leasing them for one request timeout plus a margin.
    func claim(limit: Int) async throws -> [Forward] {
        let now = Timestamp.nowMillis()
        let lease = now + Int64(policy.requestTimeout.components.seconds) * 1000 + 30_000
        return try await database.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM forward_outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
                arguments: [now, limit])
            let forwards = rows.map { row in
                Forward(
                    messageID: row["message_id"], organizationID: row["organization_id"], assistantID: row["assistant_id"],
                    conversationID: row["conversation_id"], body: row["body"], attempts: row["attempts"],
                    firstAttemptAt: row["first_attempt_at"])
            }
            for forward in forwards {
                try db.execute(
                    sql: "UPDATE forward_outbox SET next_attempt_at = ? WHERE message_id = ?", arguments: [lease, forward.messageID])
            }
            return forwards
        }
    }

    // MARK: One attempt

    private enum Outcome {
        case delivered(status: Int)
        case failed(status: Int?, error: String)
    }

    func attempt(_ forward: Forward) async {
        let assistant: DirectoryAssistant?
        do {
            assistant = try await directory.assistant(forward.assistantID)
        } catch {
            // Redis is down: nothing was sent, so this is not an attempt; try again soon.
            logger.warning("directory unavailable for forwarding", metadata: ["sb.message_id": "\(forward.messageID)", "sb.error": "\(error)"])
            await reschedule(forward, attempts: forward.attempts, firstAttemptAt: forward.firstAttemptAt, delay: .seconds(1))
            return
        }
        guard let assistant, assistant.organizationID == forward.organizationID, assistant.isActive,
            let url = assistant.smsWebhookURL, !url.isEmpty
        else {
            let reason =
                assistant == nil || assistant?.organizationID != forward.organizationID
                ? "assistant not found" : (assistant?.isActive == false ? "assistant is inactive" : "assistant has no sms_webhook_url")
            await finishWithoutAttempt(forward, reason: reason)
            return
        }
        let secret: String
        do {
            secret = try directory.webhookSecret(of: assistant)
        } catch {
            await finishWithoutAttempt(forward, reason: "webhook secret unreadable", level: "error")
            return
        }

        let attempt = forward.attempts + 1
        let now = Timestamp.nowMillis()
        let firstAttemptAt = forward.firstAttemptAt ?? now
        let outcome = await post(forward.body, to: url, secret: secret)
        let finishedAt = Timestamp.nowMillis()
        var data = ["attempt": String(attempt), "url": url, "status_code": "", "error": ""]
        let level: String
        let summary: String
        switch outcome {
        case .delivered(let status):
            data["status_code"] = String(status)
            data["outcome"] = "delivered"
            level = "info"
            summary = "Forwarded to assistant webhook (HTTP \(status))"
            await remove(forward)
        case .failed(let status, let error):
            data["status_code"] = status.map(String.init) ?? ""
            data["error"] = error
            let elapsed = Duration.milliseconds(finishedAt - firstAttemptAt)
            if let delay = policy.nextDelay(afterAttempt: attempt, elapsed: elapsed) {
                data["outcome"] = "retrying"
                data["next_attempt_at"] = Timestamp.millis(finishedAt + Int64(delay.inMilliseconds))
                level = "warning"
                summary = "Forwarding attempt \(attempt) failed; retrying"
                await reschedule(forward, attempts: attempt, firstAttemptAt: firstAttemptAt, delay: delay)
            } else {
                data["outcome"] = "gave_up"
                level = "error"
                summary = "Forwarding gave up after \(attempt) attempt\(attempt == 1 ? "" : "s")"
                await remove(forward)
            }
        }
        logger.log(
            level: level == "info" ? .debug : (level == "warning" ? .notice : .warning), "forwarding attempt",
            metadata: [
                "sb.message_id": "\(forward.messageID)", "sb.attempt": "\(attempt)", "sb.status_code": "\(data["status_code"] ?? "")",
                "sb.error": "\(data["error"] ?? "")",
            ])
        await audit(
            forward, eventID: "\(MessageEventType.forwardingAttempted.rawValue):\(forward.messageID):\(attempt)", level: level,
            summary: summary, data: data)
    }

    private func post(_ body: String, to url: String, secret: String) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Switchboard-SessionManager/1")
        request.headers.add(
            name: SMSReceivedWebhook.signatureHeader,
            value: WebhookSignature.header(body: body, secret: secret, timestamp: Int(Date().timeIntervalSince1970)))
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(policy.requestTimeout.inMilliseconds)))
            // Read (and drop) the answer so the connection can be reused.
            for try await _ in response.body {}
            let status = Int(response.status.code)
            return (200..<300).contains(status) ? .delivered(status: status) : .failed(status: status, error: "HTTP \(status)")
        } catch {
            return .failed(status: nil, error: "\(error)")
        }
    }

    private func finishWithoutAttempt(_ forward: Forward, reason: String, level: String = "warning") async {
        await remove(forward)
        await audit(
            forward, eventID: "\(MessageEventType.forwardingAttempted.rawValue):\(forward.messageID):skipped", level: level,
            summary: "Forwarding skipped: \(reason)",
            data: ["attempt": "0", "url": "", "status_code": "", "error": reason, "outcome": "skipped"])
    }

    // Outcomes go through the batched writer: many forwards finishing at once share a transaction
    // with each other and with incoming messages instead of taking the write lock one by one.
    private func remove(_ forward: Forward) async {
        do {
            try await writer.submit(.forwardFinished(messageID: forward.messageID))
        } catch {
            logger.error("removing forward failed", metadata: ["sb.message_id": "\(forward.messageID)", "sb.error": "\(error)"])
        }
    }

    private func reschedule(_ forward: Forward, attempts: Int, firstAttemptAt: Int64?, delay: Duration) async {
        let due = Timestamp.nowMillis() + Int64(delay.inMilliseconds)
        do {
            try await writer.submit(
                .forwardRescheduled(messageID: forward.messageID, attempts: attempts, firstAttemptAt: firstAttemptAt, nextAttemptAt: due))
        } catch {
            logger.error("rescheduling forward failed", metadata: ["sb.message_id": "\(forward.messageID)", "sb.error": "\(error)"])
        }
    }

    private func audit(_ forward: Forward, eventID: String, level: String, summary: String, data: [String: String]) async {
        let event = EventPublisher.forwardingAttempted(
            eventID: eventID, messageID: forward.messageID, conversationID: forward.conversationID,
            organizationID: forward.organizationID, assistantID: forward.assistantID, level: level, summary: summary, data: data,
            now: Timestamp.nowMillis())
        do {
            try await publisher.publish([event])
        } catch {
            logger.error("publishing forwarding audit failed", metadata: ["sb.message_id": "\(forward.messageID)", "sb.error": "\(error)"])
        }
    }
}
