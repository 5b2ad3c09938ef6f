import Foundation
import RedisStore
import WireModels

/// Reads the tenant directory that the gateway publishes to Redis: who owns a number, an
/// organization's provider credentials, an assistant's webhook. Every read goes to Redis, so a
/// change the gateway published is visible at once (the contract asks for within 1 s).
package struct DirectoryReader: Sendable {
    private let redis: RedisClient
    private let secrets: SecretBox

    package init(redis: RedisClient, secrets: SecretBox) {
        self.redis = redis
        self.secrets = secrets
    }

    /// The entry of an E.164 number, or nil when no organization holds it.
    package func phoneNumber(_ number: String) async throws -> DirectoryPhoneNumber? {
        try await get(RedisKey.directoryNumber(number))
    }

    /// The entry of an organization, or nil.
    package func organization(_ id: Int) async throws -> DirectoryOrganization? {
        try await get(RedisKey.directoryOrganization(id))
    }

    /// The decrypted provider credentials of an organization (empty when none are set).
    package func credentials(organizationID: Int) async throws -> OrganizationCredentials? {
        guard let organization = try await organization(organizationID) else { return nil }
        guard let sealed = organization.sealedCredentials else { return OrganizationCredentials() }
        return try secrets.openJSON(OrganizationCredentials.self, from: sealed)
    }

    /// The entry of an assistant, or nil.
    package func assistant(_ id: Int) async throws -> DirectoryAssistant? {
        try await get(RedisKey.directoryAssistant(id))
    }

    /// The decrypted webhook secret of an assistant.
    package func webhookSecret(of assistant: DirectoryAssistant) throws -> String {
        try secrets.open(assistant.sealedWebhookSecret)
    }

    private func get<T: Decodable>(_ key: String) async throws -> T? {
        guard let json = try await redis.command("GET", key).string else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }
}
