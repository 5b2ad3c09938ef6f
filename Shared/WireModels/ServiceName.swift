/// The five Switchboard processes, named as in the contract (executable products and log labels).
public enum ServiceName: String, Codable, Sendable, CaseIterable {
    case gateway
    case sender
    case webhookIngest = "webhook-ingest"
    case logIndexer = "log-indexer"
    case sessionManager = "session-manager"

    /// The port the process listens on unless `HTTP_PORT` says otherwise.
    public var defaultPort: Int {
        switch self {
        case .gateway: 8080
        case .sender: 8081
        case .webhookIngest: 8082
        case .logIndexer: 8083
        case .sessionManager: 8084
        }
    }

    /// The swift-log label of the process: `switchboard.<process>`.
    public var logLabel: String { "switchboard.\(rawValue)" }
}
