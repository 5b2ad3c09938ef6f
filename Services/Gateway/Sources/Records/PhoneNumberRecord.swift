import GRDB
import WireModels

/// A row of `phone_numbers`. A number is unique across all organizations.
struct PhoneNumberRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "phone_numbers"

    var id: Int64?
    var organizationID: Int64
    var phoneNumber: String
    var provider: String
    var assistantID: Int64?
    var friendlyName: String?
    var createdAt: Double
    var updatedAt: Double

    enum CodingKeys: String, CodingKey {
        case id, provider
        case organizationID = "organization_id"
        case phoneNumber = "phone_number"
        case assistantID = "assistant_id"
        case friendlyName = "friendly_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var response: PhoneNumberResponse {
        PhoneNumberResponse(
            id: Int(id ?? 0), organizationID: Int(organizationID), phoneNumber: phoneNumber, provider: provider,
            assistantID: assistantID.map(Int.init), friendlyName: friendlyName, createdAt: Timestamp.string(createdAt),
            updatedAt: Timestamp.string(updatedAt))
    }
}
