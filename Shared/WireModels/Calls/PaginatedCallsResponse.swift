/// `GET /api/v1/calls`: one page of call records, newest first, with the total matching the filters.
public struct PaginatedCallsResponse: Codable, Sendable, Equatable {
    public var items: [CallResponse]
    public var total: Int
    public var skip: Int
    public var limit: Int

    public init(items: [CallResponse], total: Int, skip: Int, limit: Int) {
        self.items = items
        self.total = total
        self.skip = skip
        self.limit = limit
    }
}
