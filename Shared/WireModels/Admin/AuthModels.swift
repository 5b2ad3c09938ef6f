/// `POST /api/auth/login` body.
public struct LoginRequest: Codable, Sendable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

/// `POST /api/auth/login` answer; a dashboard session cookie comes with it.
public struct LoginResponse: Codable, Sendable {
    public var accessToken: String
    public var tokenType: String
    /// Seconds until the JWT expires.
    public var expiresIn: Int
    public var user: UserResponse
    public var organization: OrganizationSummary

    public init(accessToken: String, expiresIn: Int, user: UserResponse, organization: OrganizationSummary) {
        self.accessToken = accessToken
        self.tokenType = "bearer"
        self.expiresIn = expiresIn
        self.user = user
        self.organization = organization
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case user, organization
    }
}

/// A user, as the API shows it (never the password hash).
public struct UserResponse: Codable, Sendable, Equatable {
    public var id: Int
    public var email: String
    public var fullName: String?
    public var organizationID: Int
    public var role: String
    public var isActive: Bool
    public var createdAt: String

    public init(id: Int, email: String, fullName: String?, organizationID: Int, role: String, isActive: Bool, createdAt: String) {
        self.id = id
        self.email = email
        self.fullName = fullName
        self.organizationID = organizationID
        self.role = role
        self.isActive = isActive
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email, role
        case fullName = "full_name"
        case organizationID = "organization_id"
        case isActive = "is_active"
        case createdAt = "created_at"
    }
}

/// An organization's id and name.
public struct OrganizationSummary: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String

    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }
}

/// What `gateway bootstrap` prints.
public struct BootstrapResult: Codable, Sendable {
    public var organizationID: Int
    public var userID: Int
    public var apiKey: String

    public init(organizationID: Int, userID: Int, apiKey: String) {
        self.organizationID = organizationID
        self.userID = userID
        self.apiKey = apiKey
    }

    enum CodingKeys: String, CodingKey {
        case organizationID = "organization_id"
        case userID = "user_id"
        case apiKey = "api_key"
    }
}
