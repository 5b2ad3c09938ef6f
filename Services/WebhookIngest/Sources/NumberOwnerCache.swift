import Foundation
import RedisStore
import ServiceRuntime
import Synchronization
import WireModels

/// The owners of our numbers (the directory entry of the number and its organization's
/// decrypted provider credentials), kept in memory so a webhook needs no directory read, and
/// never used stale.
///
/// On a miss, the entry, the organization and `sb:dir:version` (the counter every directory
/// change bumps) are read in one script, one round trip, so the owner is tagged with the version
/// it was read at. The scripts that publish a webhook compare the tag with the current version
/// in the same atomic step and answer `stale` when the directory changed since: the webhook is
/// then verified again with a fresh read. A rotated credential or a removed number is therefore
/// seen by the very next webhook. Decrypted credentials stay in memory only and are never logged.
final class NumberOwnerCache: Sendable {
    /// Who owns one of our numbers, as of one directory version.
    struct Owner: Sendable {
        var entry: DirectoryPhoneNumber
        /// The organization's credentials; nil when its entry is missing (every check then fails).
        var credentials: OrganizationCredentials?
        /// The value of `sb:dir:version` the owner was read at ("" when the key is missing).
        var version: String
    }

    /// The organization key of the directory without its id (`sb:dir:org:`), for the read script.
    static let organizationKeyPrefix = String(RedisKey.directoryOrganization(0).dropLast())

    private let redis: RedisClient
    private let secrets: SecretBox
    private let capacity: Int
    private let owners = Mutex<[String: Owner]>([:])

    init(redis: RedisClient, secrets: SecretBox, capacity: Int = 100_000) {
        precondition(
            Self.organizationKeyPrefix + "1" == RedisKey.directoryOrganization(1),
            "the directory organization key must be a prefix followed by the id")
        self.redis = redis
        self.secrets = secrets
        self.capacity = capacity
    }

    /// The cached owner of the E.164 `number`, if any (possibly stale: the publishing scripts check).
    func cached(_ number: String) -> Owner? {
        owners.withLock { $0[number] }
    }

    /// Reads the owner of the E.164 `number` from Redis (one round trip), caches it and returns
    /// it; nil when no organization holds the number.
    func refresh(_ number: String) async throws -> Owner? {
        let reply = try await redis.eval(
            IngestScripts.readOwner, keys: [RedisKey.directoryVersion, RedisKey.directoryNumber(number)],
            arguments: [Self.organizationKeyPrefix])
        guard let parts = reply.array, parts.count == 3 else {
            throw RedisError.unexpectedReply("directory read answered \(reply)")
        }
        let version = parts[0].string ?? ""
        guard let numberJSON = parts[1].string else {
            forget(number)
            return nil
        }
        let decoder = JSONDecoder()
        let entry = try decoder.decode(DirectoryPhoneNumber.self, from: Data(numberJSON.utf8))
        var credentials: OrganizationCredentials?
        if let organizationJSON = parts[2].string {
            let organization = try decoder.decode(DirectoryOrganization.self, from: Data(organizationJSON.utf8))
            credentials =
                try organization.sealedCredentials.map { try secrets.openJSON(OrganizationCredentials.self, from: $0) }
                ?? OrganizationCredentials()
        }
        let owner = Owner(entry: entry, credentials: credentials, version: version)
        owners.withLock { owners in
            // A slower concurrent read must not replace an owner read at a later version.
            if let current = owners[number], let currentVersion = Int(current.version), let newVersion = Int(version),
                currentVersion > newVersion
            {
                return
            }
            if owners.count >= capacity { owners.removeAll(keepingCapacity: true) }
            owners[number] = owner
        }
        return owner
    }

    /// Drops the owner of `number` (the directory changed, or a check failed with it).
    func forget(_ number: String) {
        _ = owners.withLock { $0.removeValue(forKey: number) }
    }
}
