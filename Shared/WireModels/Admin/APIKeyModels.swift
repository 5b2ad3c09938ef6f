/// `POST /api/v1/users/me/api-keys` body.
public struct CreateAPIKeyRequest: Codable, Sendable {
    public var name: String

    public init(name: String) {
        self.name = name
    }
}

/// An API key as listed: never the key itself, only its display prefix.
public struct APIKeyResponse: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var keyPrefix: String
    public var createdAt: String
    public var lastUsedAt: String?

    public init(id: Int, name: String, keyPrefix: String, createdAt: String, lastUsedAt: String?) {
        self.id = id
        self.name = name
        self.keyPrefix = keyPrefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case keyPrefix = "key_prefix"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(keyPrefix, forKey: .keyPrefix)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)  // null, not absent
    }
}

/// Answer to creating an API key: the only time the key is shown.
public struct CreatedAPIKeyResponse: Codable, Sendable {
    public var apiKey: APIKeyResponse
    public var key: String

    public init(apiKey: APIKeyResponse, key: String) {
        self.apiKey = apiKey
        self.key = key
    }

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case key
    }
}
