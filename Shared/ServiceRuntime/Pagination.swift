import Hummingbird

/// `skip` and `limit` query parameters, validated the same way on every list endpoint.
package struct Pagination: Sendable, Equatable {
    package var skip: Int
    package var limit: Int

    /// Reads `skip` (>= 0, default 0) and `limit` (1...`maxLimit`, default `defaultLimit`);
    /// anything else is a 422 naming the parameter.
    package init(_ request: Request, defaultLimit: Int = 100, maxLimit: Int = 500) throws {
        let query = request.uri.queryParameters
        self.skip = try Self.integer(query["skip"].map(String.init), name: "skip", default: 0, range: 0...Int(Int32.max))
        self.limit = try Self.integer(query["limit"].map(String.init), name: "limit", default: defaultLimit, range: 1...maxLimit)
    }

    package init(skip: Int, limit: Int) {
        self.skip = skip
        self.limit = limit
    }

    private static func integer(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError.unprocessable("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
