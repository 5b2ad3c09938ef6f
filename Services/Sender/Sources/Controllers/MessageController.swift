import Foundation
import HTTPTypes
import Hummingbird
import RedisStore
import ServiceRuntime
import WireModels

/// The message routes the gateway forwards (seed 002's related endpoints): status, cancel and
/// queue statistics. Every request names the caller's organization; another organization's
/// message is "not found", never "forbidden", so ids leak nothing.
struct MessageController: Sendable {
    let redis: RedisClient
    let ledger: StatusLedger
    let configuration: SenderConfiguration

    func addRoutes(to router: Router<BasicRequestContext>) {
        let sms = router.group("sms")
        // GET /sms/queue/stats
        sms.get("queue/stats") { request, _ in
            _ = try Self.organizationID(request)
            return try jsonResponse(try await self.queueStats())
        }
        // GET /sms/{message_id}/status
        sms.get(":message_id/status") { request, context in
            let organizationID = try Self.organizationID(request)
            let messageID = try context.parameters.require("message_id")
            return try jsonResponse(try await self.status(messageID: messageID, organizationID: organizationID))
        }
        // DELETE /sms/{message_id}
        sms.delete(":message_id") { request, context in
            let organizationID = try Self.organizationID(request)
            let messageID = try context.parameters.require("message_id")
            return try jsonResponse(try await self.cancel(messageID: messageID, organizationID: organizationID))
        }
    }

    static let notFound = APIError.notFound("Message not found")

    /// The caller's organization from `X-Switchboard-Organization-Id`; 400 when absent or not a number.
    static func organizationID(_ request: Request) throws -> Int {
        guard let raw = request.headers[HTTPField.Name(InternalHeaders.organizationID)!] else {
            throw APIError.badRequest("Missing \(InternalHeaders.organizationID) header")
        }
        guard let id = Int(raw) else { throw APIError.badRequest("Invalid \(InternalHeaders.organizationID) header") }
        return id
    }

    // MARK: Status

    func status(messageID: String, organizationID: Int) async throws -> MessageStatusResponse {
        let fields = try await statusHash(messageID)
        if !fields.isEmpty {
            guard fields["organization_id"] == String(organizationID), let status = MessageStatus(rawValue: fields["status"] ?? "")
            else { throw Self.notFound }
            return MessageStatusResponse(
                messageID: messageID, status: status, providerMessageID: fields["provider_message_id"], error: fields["error"],
                updatedAt: fields["updated_at"] ?? fields["created_at"] ?? "",
                deliveryStatus: fields["delivery_status"].flatMap(DeliveryStatus.init(rawValue:)))
        }
        // The hash expired or Redis lost it: the ledger still knows.
        guard let stored = try await ledger.status(messageID: messageID, organizationID: organizationID) else { throw Self.notFound }
        return stored
    }

    private func statusHash(_ messageID: String) async throws -> [String: String] {
        let reply = try await redis.command("HGETALL", RedisKey.message(messageID))
        let flat = reply.array ?? []
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let field = flat[index].string, let value = flat[index + 1].string { fields[field] = value }
        }
        return fields
    }

    // MARK: Cancel

    func cancel(messageID: String, organizationID: Int) async throws -> CancelMessageResponse {
        let fields = try await statusHash(messageID)
        guard !fields.isEmpty else {
            if let stored = try await ledger.status(messageID: messageID, organizationID: organizationID) {
                throw Self.conflict(stored.status.rawValue)
            }
            throw Self.notFound
        }
        guard fields["organization_id"] == String(organizationID), let provider = fields["provider"] else { throw Self.notFound }
        let now = Date()
        let timestamp = Timestamp.string(now.timeIntervalSince1970)
        let attempts = Int(fields["attempts"] ?? "") ?? 0
        let event = MessageEvent(
            eventID: UUID().uuidString.lowercased(), type: .cancelled, occurredAt: timestamp, messageID: messageID,
            organizationID: organizationID, assistantID: fields["assistant_id"].flatMap { Int($0) }, direction: "outbound",
            provider: provider, from: fields["from"], to: fields["to"], body: nil, mediaURLs: nil,
            status: MessageStatus.cancelled.rawValue, idempotencyKey: fields["idempotency_key"], attempt: attempts)
        let reply = try await redis.eval(
            SenderScripts.cancel,
            keys: [RedisKey.message(messageID), RedisKey.events, RedisKey.retries(provider: provider)],
            arguments: [
                timestamp, String(configuration.eventsMaxLength), String(decoding: try JSONEncoder().encode(event), as: UTF8.self),
            ])
        guard let parts = reply.array, let outcome = parts.first?.string else {
            throw SenderError.unexpectedReply("cancel script answered \(reply)")
        }
        switch outcome {
        case "cancelled":
            await ledger.record(
                LedgerRow(
                    messageID: messageID, organizationID: organizationID, assistantID: event.assistantID, provider: provider,
                    from: fields["from"] ?? "", to: fields["to"] ?? "", body: nil, status: .cancelled, providerMessageID: nil,
                    error: nil, errorCode: nil, attempts: attempts, idempotencyKey: fields["idempotency_key"],
                    createdAt: fields["created_at"] ?? timestamp, updatedAt: timestamp,
                    revision: LedgerRow.revision(attempts: attempts, stage: .final)))
            return CancelMessageResponse(
                success: true, messageID: messageID, message: "Message cancelled", previousStatus: .queued, newStatus: .cancelled)
        case "conflict":
            throw Self.conflict(parts.count > 1 ? parts[1].string ?? "" : "")
        default:
            throw Self.notFound
        }
    }

    static func conflict(_ status: String) -> APIError {
        APIError.conflict("Only queued messages can be cancelled; this one is \(status)")
    }

    // MARK: Queue statistics

    /// Per provider: pending = entries not yet delivered to the group (`XINFO GROUPS` lag) plus
    /// scheduled retries; active = delivered and not acknowledged (`XPENDING`); failed = dead letters.
    func queueStats() async throws -> QueueStatsResponse {
        var commands: [[String]] = []
        for provider in RedisKey.providers {
            let stream = RedisKey.queue(provider: provider)
            commands += [
                ["XINFO", "GROUPS", stream], ["XLEN", stream], ["ZCARD", RedisKey.retries(provider: provider)],
                ["XPENDING", stream, RedisKey.senderGroup], ["XLEN", RedisKey.deadLetters(provider: provider)],
            ]
        }
        let replies = try await redis.pipeline(commands)
        var queues: [String: QueueStats] = [:]
        for (index, provider) in RedisKey.providers.enumerated() {
            let reply = Array(replies[(index * 5)..<(index * 5 + 5)])
            let streamLength = reply[1].int ?? 0
            let undelivered = Self.groupLag(reply[0]) ?? streamLength
            let active = reply[3].array?.first?.int ?? 0
            queues[provider] = QueueStats(pending: undelivered + (reply[2].int ?? 0), active: active, failed: reply[4].int ?? 0)
        }
        return QueueStatsResponse(timestamp: Timestamp.string(Date().timeIntervalSince1970), queues: queues)
    }

    /// The `lag` of group `sender` in an `XINFO GROUPS` reply; nil when the group does not exist
    /// (then nothing was ever delivered) or Redis cannot tell.
    static func groupLag(_ reply: RedisValue) -> Int? {
        for group in reply.array ?? [] {
            let flat = group.array ?? []
            var fields: [String: RedisValue] = [:]
            for index in stride(from: 0, to: flat.count - 1, by: 2) {
                if let name = flat[index].string { fields[name] = flat[index + 1] }
            }
            if fields["name"]?.string == RedisKey.senderGroup {
                return fields["lag"]?.int
            }
        }
        return nil
    }
}
