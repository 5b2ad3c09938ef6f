/// Body of `GET /health` and `GET /ready`.
public struct HealthStatus: Codable, Sendable, Equatable {
    /// `ok` for `/health`; `ready` or `not_ready` for `/ready`.
    public var status: String
    /// The process that answered.
    public var service: String
    /// For `/ready`: each dependency and `ok` or the reason it failed.
    public var checks: [String: String]?
    /// For a failed `/ready`: one line naming what is not ready.
    public var detail: String?

    public init(status: String, service: String, checks: [String: String]? = nil, detail: String? = nil) {
        self.status = status
        self.service = service
        self.checks = checks
        self.detail = detail
    }
}
