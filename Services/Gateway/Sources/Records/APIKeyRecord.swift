import GRDB
import WireModels

/// A row of `api_keys`: only the SHA-256 of the key and a display prefix are kept.
struct APIKeyRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "api_keys"

    var id: Int64?
    var organizationID: Int64
    var userID: Int64
    var name: String
    var keyPrefix: String
    var keyHash: String
    var createdAt: Double
    var lastUsedAt: Double?
    var revokedAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, name
        case organizationID = "organization_id"
        case userID = "user_id"
        case keyPrefix = "key_prefix"
        case keyHash = "key_hash"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var response: APIKeyResponse {
        APIKeyResponse(
            id: Int(id ?? 0), name: name, keyPrefix: keyPrefix, createdAt: Timestamp.string(createdAt),
            lastUsedAt: Timestamp.optional(lastUsedAt))
    }
}
