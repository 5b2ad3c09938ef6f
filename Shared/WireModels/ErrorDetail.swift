/// The body of every error response: `{"detail": "..."}`.
public struct ErrorDetail: Codable, Sendable, Equatable {
    /// Human-readable reason, worded as the API pages word it where they give one.
    public var detail: String

    public init(detail: String) {
        self.detail = detail
    }
}
