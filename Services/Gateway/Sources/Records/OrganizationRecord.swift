import GRDB

/// A row of `organizations`. Provider credentials are one sealed JSON document.
struct OrganizationRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "organizations"

    var id: Int64?
    var name: String
    var sealedCredentials: String?
    var createdAt: Double
    var updatedAt: Double

    enum CodingKeys: String, CodingKey {
        case id, name
        case sealedCredentials = "sealed_credentials"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
