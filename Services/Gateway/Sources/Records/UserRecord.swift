import GRDB
import WireModels

/// A row of `users`. The password is stored only as a bcrypt hash.
struct UserRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "users"

    var id: Int64?
    var organizationID: Int64
    var email: String
    var passwordHash: String
    var fullName: String?
    var role: String
    var isActive: Bool
    var createdAt: Double
    var lastLoginAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, email, role
        case organizationID = "organization_id"
        case passwordHash = "password_hash"
        case fullName = "full_name"
        case isActive = "is_active"
        case createdAt = "created_at"
        case lastLoginAt = "last_login_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var response: UserResponse {
        UserResponse(
            id: Int(id ?? 0), email: email, fullName: fullName, organizationID: Int(organizationID), role: role,
            isActive: isActive, createdAt: Timestamp.string(createdAt))
    }
}
