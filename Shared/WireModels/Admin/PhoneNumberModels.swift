/// `POST /api/v1/phone-numbers` body.
public struct CreatePhoneNumberRequest: Codable, Sendable {
    public var phoneNumber: String
    public var provider: String
    public var assistantID: Int?
    public var friendlyName: String?

    public init(phoneNumber: String, provider: String, assistantID: Int? = nil, friendlyName: String? = nil) {
        self.phoneNumber = phoneNumber
        self.provider = provider
        self.assistantID = assistantID
        self.friendlyName = friendlyName
    }

    enum CodingKeys: String, CodingKey {
        case provider
        case phoneNumber = "phone_number"
        case assistantID = "assistant_id"
        case friendlyName = "friendly_name"
    }
}

/// `PATCH /api/v1/phone-numbers/{id}` body: `assistant_id` 0 or `null` unassigns.
public struct UpdatePhoneNumberRequest: Decodable, Sendable {
    public var assistantID: FieldUpdate<Int>
    public var friendlyName: FieldUpdate<String>

    enum CodingKeys: String, CodingKey {
        case assistantID = "assistant_id"
        case friendlyName = "friendly_name"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        assistantID = try container.decodeUpdate(Int.self, forKey: .assistantID)
        friendlyName = try container.decodeUpdate(String.self, forKey: .friendlyName)
    }
}

/// A phone number as the API shows it.
public struct PhoneNumberResponse: Codable, Sendable, Equatable {
    public var id: Int
    public var organizationID: Int
    public var phoneNumber: String
    public var provider: String
    public var assistantID: Int?
    public var friendlyName: String?
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: Int, organizationID: Int, phoneNumber: String, provider: String, assistantID: Int?, friendlyName: String?,
        createdAt: String, updatedAt: String
    ) {
        self.id = id
        self.organizationID = organizationID
        self.phoneNumber = phoneNumber
        self.provider = provider
        self.assistantID = assistantID
        self.friendlyName = friendlyName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, provider
        case organizationID = "organization_id"
        case phoneNumber = "phone_number"
        case assistantID = "assistant_id"
        case friendlyName = "friendly_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(organizationID, forKey: .organizationID)
        try container.encode(phoneNumber, forKey: .phoneNumber)
        try container.encode(provider, forKey: .provider)
        try container.encode(assistantID, forKey: .assistantID)
        try container.encode(friendlyName, forKey: .friendlyName)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// Phone number and provider rules shared by every process.
public enum PhoneNumberFormat {
    /// The providers Switchboard sends through.
    public static let providers = ["twilio", "telnyx", "vonage"]

    /// E.164: `+`, a non-zero digit, then 1 to 14 more digits.
    public static func isE164(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 3, utf8.count <= 16, utf8[0] == UInt8(ascii: "+"),
            utf8[1] >= UInt8(ascii: "1"), utf8[1] <= UInt8(ascii: "9")
        else { return false }
        return utf8.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
