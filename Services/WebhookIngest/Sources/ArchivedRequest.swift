import Foundation

/// One provider request as archived in `webhook-ingest.sqlite` (accepted or rejected).
struct ArchivedRequest: Sendable {
    var receivedAt: Double
    var provider: String
    var method: String
    var path: String
    var query: String?
    /// JSON object of the request headers.
    var headers: String
    var body: Data
    /// `accepted`, `duplicate`, `held_part` (one part of a longer SMS, held until the rest arrive),
    /// `rejected_signature`, `unknown_number`, `malformed`, `ignored:<event>`.
    var outcome: String
    var statusCode: Int
    var detail: String?
    var organizationID: Int?
    var providerMessageID: String?
}
