/// The directory entry of one organization: its name and its provider credentials, sealed with
/// AES-GCM under `SECRETS_KEY` (base64 of nonce + ciphertext + tag). Stored as JSON at
/// `RedisKey.directoryOrganization(_:)`; see docs/redis.md.
public struct DirectoryOrganization: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var organizationID: Int
    public var name: String
    /// `OrganizationCredentials` as JSON, sealed.
    public var sealedCredentials: String?

    public init(organizationID: Int, name: String, sealedCredentials: String?) {
        self.schemaVersion = SchemaVersion.current
        self.organizationID = organizationID
        self.name = name
        self.sealedCredentials = sealedCredentials
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case organizationID = "organization_id"
        case name
        case sealedCredentials = "sealed_credentials"
    }
}
