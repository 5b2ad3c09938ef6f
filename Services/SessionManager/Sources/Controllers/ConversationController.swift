import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceRuntime
import WireModels

/// `/api/v1/sms-conversations`: list, get, messages, related, export and archive (seed 001).
struct ConversationController: Sendable {
    static let notFound = "SMS conversation not found"

    let repository: ConversationRepository
    let sessions: SessionStore
    let publisher: EventPublisher

    func addRoutes(to router: Router<BasicRequestContext>) {
        let group = router.group("/api/v1/sms-conversations")
        // GET /api/v1/sms-conversations/
        group.get(use: list)
        // GET /api/v1/sms-conversations/{conversation_id}
        group.get(":conversation_id", use: get)
        // GET /api/v1/sms-conversations/{conversation_id}/messages
        group.get(":conversation_id/messages", use: messages)
        // GET /api/v1/sms-conversations/{conversation_id}/related
        group.get(":conversation_id/related", use: related)
        // GET /api/v1/sms-conversations/{conversation_id}/export
        group.get(":conversation_id/export", use: export)
        // DELETE /api/v1/sms-conversations/{conversation_id}
        group.delete(":conversation_id", use: archive)
    }

    @Sendable func list(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let organizationID = try request.organizationID()
        let page = try Pagination(request, defaultLimit: 50, maxLimit: 1000)
        var filter = ConversationFilter()
        if let status = request.query("status") {
            switch status {
            case "active": filter.status = CallStatus.ongoing
            case "completed": filter.status = CallStatus.completed
            default: throw APIError.unprocessable("status must be active or completed")
            }
        }
        filter.assistantID = try request.integerQuery("assistant_id")
        filter.customerPhone = request.phoneQuery("customer_phone")
        filter.dateFrom = try request.dateQuery("date_from")
        filter.dateTo = try request.dateQuery("date_to")
        let (items, total) = try await repository.conversations(
            organizationID: organizationID, filter: filter, skip: page.skip, limit: page.limit)
        return try jsonResponse(items.map(\.wire), headers: [HTTPField.Name("X-Total-Count")!: String(total)])
    }

    @Sendable func get(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try jsonResponse(try await conversation(request, context).wire)
    }

    @Sendable func messages(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let conversation = try await conversation(request, context)
        return try jsonResponse(try await repository.messages(conversationID: conversation.id))
    }

    @Sendable func related(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let conversation = try await conversation(request, context)
        return try jsonResponse(try await repository.related(to: conversation))
    }

    @Sendable func export(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let format = request.query("format") ?? "txt"
        guard let exportFormat = ConversationExport.Format(rawValue: format) else {
            throw APIError.unprocessable("format must be one of txt, csv, json")
        }
        let conversation = try await conversation(request, context)
        let messages = try await repository.messages(conversationID: conversation.id)
        let file = try ConversationExport.render(conversation.wire, messages: messages, as: exportFormat)
        var headers: HTTPFields = [:]
        headers[.contentType] = exportFormat.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(exportFormat.filename(conversationID: conversation.id))\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: file)))
    }

    @Sendable func archive(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let conversation = try await conversation(request, context)
        let now = Timestamp.nowMillis()
        // Published first: if Redis is down the archive fails as a whole and can be retried; the
        // event id is derived from the conversation, so a retry publishes nothing new to consumers.
        try await publisher.publish([EventPublisher.archived(conversation, now: now)])
        guard try await repository.archive(conversation, now: now) else { throw APIError.notFound(Self.notFound) }
        do {
            let key = RedisKey.session(customerPhone: conversation.customerPhone, assistantID: conversation.assistantID)
            try await sessions.delete(key: key, conversationID: conversation.id, organizationID: conversation.organizationID)
        } catch {
            // Best effort, as the API page says: a stale key names an archived conversation, which
            // the next message ignores anyway.
            context.logger.warning("clearing archived conversation's session failed", metadata: ["sb.error": "\(error)"])
        }
        return try jsonResponse(SuccessMessageResponse(message: "SMS conversation archived successfully"))
    }

    /// The live conversation the path names, of the caller's organization; 404 otherwise.
    private func conversation(_ request: Request, _ context: BasicRequestContext) async throws -> ConversationSnapshot {
        let organizationID = try request.organizationID()
        let id = try context.parameters.recordID("conversation_id", notFound: Self.notFound)
        guard let conversation = try await repository.conversation(organizationID: organizationID, id: id) else {
            throw APIError.notFound(Self.notFound)
        }
        return conversation
    }
}
