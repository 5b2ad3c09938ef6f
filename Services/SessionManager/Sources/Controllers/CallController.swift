import Hummingbird
import ServiceRuntime
import WireModels

/// `GET /api/v1/calls`: the organization's call records, voice and SMS (seed 003).
struct CallController: Sendable {
    let repository: ConversationRepository

    func addRoutes(to router: Router<BasicRequestContext>) {
        // GET /api/v1/calls
        router.get("/api/v1/calls", use: list)
    }

    @Sendable func list(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let organizationID = try request.organizationID()
        let page = try Pagination(request, defaultLimit: 100, maxLimit: 1000)
        var filter = CallFilter()
        if let status = request.query("status") {
            guard CallIngestRecord.statuses.contains(status) else {
                throw APIError.unprocessable("status must be one of ongoing, completed, failed")
            }
            filter.status = status
        }
        filter.assistantID = try request.integerQuery("assistant_id")
        filter.customerPhone = request.phoneQuery("customer_phone")
        filter.callSID = request.query("call_sid")
        filter.assistantName = request.query("assistant_name")
        filter.dateFrom = try request.dateQuery("date_from")
        filter.dateTo = try request.dateQuery("date_to")
        filter.minDuration = try request.integerQuery("min_duration", in: 0...Int(Int32.max))
        filter.maxDuration = try request.integerQuery("max_duration", in: 0...Int(Int32.max))
        let (items, total) = try await repository.calls(organizationID: organizationID, filter: filter, skip: page.skip, limit: page.limit)
        return try jsonResponse(PaginatedCallsResponse(items: items, total: total, skip: page.skip, limit: page.limit))
    }
}
