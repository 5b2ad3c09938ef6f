/// Who is calling: the organization every query is scoped to, and how the caller proved it.
package struct AuthIdentity: Sendable, Equatable {
    /// How the caller authenticated.
    package enum Method: Sendable, Equatable {
        case apiKey(id: Int64)
        case jwt(id: String, expiresAt: Double)
        case session(tokenHash: String)
    }

    package var organizationID: Int64
    package var userID: Int64
    package var method: Method
}
