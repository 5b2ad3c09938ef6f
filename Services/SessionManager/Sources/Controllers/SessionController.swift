import Foundation
import Hummingbird
import ServiceRuntime
import WireModels

/// `/api/v1/sms-sessions`: the caller's organization's active SMS sessions in Redis (seed 001).
/// Clearing a session completes its conversation, so the next message starts a new one.
struct SessionController: Sendable {
    let sessions: SessionStore
    let repository: ConversationRepository
    let writer: ConversationWriter
    let sweeper: SessionSweeper
    let publisher: EventPublisher

    func addRoutes(to router: Router<BasicRequestContext>) {
        let group = router.group("/api/v1/sms-sessions")
        // GET /api/v1/sms-sessions/
        group.get(use: summary)
        // DELETE /api/v1/sms-sessions/
        group.delete(use: clearAll)
        // POST /api/v1/sms-sessions/cleanup
        group.post("cleanup", use: cleanup)
        // DELETE /api/v1/sms-sessions/{phone_number}/{assistant_id}
        group.delete(":phone_number/:assistant_id", use: clearOne)
    }

    @Sendable func summary(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let organizationID = try request.organizationID()
        let count = try await sessions.activeCount(organizationID: organizationID, now: Timestamp.nowMillis())
        return try jsonResponse(SMSSessionsSummaryResponse(activeSessions: count, ttlSeconds: Int(sessions.ttl.components.seconds)))
    }

    @Sendable func clearAll(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let organizationID = try request.organizationID()
        var cleared: [Int] = []
        for (key, document) in try await sessions.sessions(organizationID: organizationID, now: Timestamp.nowMillis()) {
            if try await sessions.delete(key: key, conversationID: document.conversationID, organizationID: organizationID) {
                cleared.append(document.conversationID)
            }
        }
        try await completeCleared(cleared)
        return try jsonResponse(SMSSessionsClearedResponse(message: "SMS sessions cleared", clearedCount: cleared.count))
    }

    @Sendable func cleanup(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let organizationID = try request.organizationID()
        _ = try await sessions.activeCount(organizationID: organizationID, now: Timestamp.nowMillis())
        let cleaned = try await sweeper.sweep(organizationID: organizationID)
        return try jsonResponse(SMSSessionsClearedResponse(message: "Expired SMS sessions cleaned up", cleanedCount: cleaned))
    }

    @Sendable func clearOne(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let organizationID = try request.organizationID()
        guard let rawPhone = context.parameters.get("phone_number") else { throw APIError.notFound("SMS session not found") }
        let phone = rawPhone.removingPercentEncoding ?? rawPhone
        guard let assistantID = context.parameters.get("assistant_id").flatMap(Int.init) else {
            throw APIError.unprocessable("assistant_id must be an integer")
        }
        let key = RedisKey.session(customerPhone: phone, assistantID: assistantID)
        guard let document = try await sessions.session(key: key, organizationID: organizationID),
            try await sessions.delete(key: key, conversationID: document.conversationID, organizationID: organizationID)
        else {
            throw APIError.notFound("SMS session not found")
        }
        try await completeCleared([document.conversationID])
        return try jsonResponse(SuccessMessageResponse(message: "SMS session cleared"))
    }

    /// Completes the conversations of cleared sessions and publishes `conversation.completed`.
    private func completeCleared(_ conversationIDs: [Int]) async throws {
        let now = Timestamp.nowMillis()
        let completed = try await repository.complete(ids: conversationIDs, writer: writer, now: now)
        if !completed.isEmpty {
            try await publisher.publish(completed.map { EventPublisher.completed($0, reason: "session_cleared", now: now) })
        }
    }
}
