import Foundation
import RedisStore
import Synchronization
import WireModels

/// Directory entries of numbers and the organizations' decrypted provider credentials, kept in
/// memory so the hot paths (a send in the gateway, a queued message in the sender, a webhook in
/// webhook-ingest) need no directory read, and never used stale.
///
/// A miss reads `sb:dir:version` (the counter every directory change bumps), the number's entry
/// and the organization's entry in one script, one round trip (``readScript``), so both are
/// tagged with the version they were read at. The caller's own script (the gateway's enqueue,
/// the sender's claim, webhook-ingest's publish) compares the tag with the current version in
/// the same atomic step that does its work and answers `stale` when the directory changed since:
/// the caller then drops the entry and reads again. A rotated credential or a removed or moved
/// number is therefore seen by the very next send, message or webhook on every replica.
/// Decrypted credentials stay in memory only and are never logged.
package final class DirectoryCache: Sendable {
    /// What a caller needs from the directory for one message or webhook, all as of one version.
    package struct Snapshot: Sendable {
        /// The sending number's entry, when asked for and found.
        package var number: DirectoryPhoneNumber?
        /// The organization's credentials; nil when its entry is missing.
        package var credentials: OrganizationCredentials?
        /// The value of `sb:dir:version` the snapshot was read at ("" when the key is missing).
        package var version: String
        /// Read from Redis just now rather than taken from memory: only such a snapshot may fail a message.
        package var isFresh: Bool
    }

    private struct Number: Sendable {
        var entry: DirectoryPhoneNumber
        var version: String
    }

    private struct Organization: Sendable {
        var credentials: OrganizationCredentials
        var version: String
    }

    private struct Entries: Sendable {
        var numbers: [String: Number] = [:]
        var organizations: [Int: Organization] = [:]
    }

    /// The organization key of the directory without its id (`sb:dir:org:`), for the read script.
    static let organizationKeyPrefix = String(RedisKey.directoryOrganization(0).dropLast())

    private let redis: RedisClient
    private let secrets: SecretBox
    private let capacity: Int
    private let entries = Mutex(Entries())

    package init(redis: RedisClient, secrets: SecretBox, capacity: Int = 100_000) {
        precondition(
            Self.organizationKeyPrefix + "1" == RedisKey.directoryOrganization(1),
            "the directory organization key must be a prefix followed by the id")
        self.redis = redis
        self.secrets = secrets
        self.capacity = capacity
    }

    /// The entry of the E.164 `number` (when not nil) and the credentials of `organizationID`, or
    /// when that is nil of the organization the number's entry names. From memory unless `fresh`
    /// or something is missing there; otherwise one round trip, whose result is cached.
    package func lookup(number: String?, organizationID: Int?, fresh: Bool) async throws -> Snapshot {
        if !fresh, let cached = cached(number: number, organizationID: organizationID) { return cached }
        return try await read(number: number, organizationID: organizationID)
    }

    /// Drops what is cached for `number` and `organizationID` (the claim found the directory changed).
    package func forget(number: String?, organizationID: Int?) {
        entries.withLock { entries in
            if let number { entries.numbers[number] = nil }
            if let organizationID { entries.organizations[organizationID] = nil }
        }
    }

    /// What memory holds for `number` and `organizationID` (see ``lookup(number:organizationID:fresh:)``),
    /// or nil when something is missing or the two were read at different versions.
    package func cached(number: String?, organizationID: Int?) -> Snapshot? {
        entries.withLock { entries -> Snapshot? in
            var entry: Number?
            if let number {
                guard let found = entries.numbers[number] else { return nil }
                entry = found
            }
            guard let id = organizationID ?? entry?.entry.organizationID, let organization = entries.organizations[id] else {
                return nil
            }
            // Taken at two versions: read both again, so one tag speaks for both.
            if let entry, entry.version != organization.version { return nil }
            return Snapshot(
                number: entry?.entry, credentials: organization.credentials, version: organization.version, isFresh: false)
        }
    }

    /// Reads from Redis in one round trip, caches what it found and returns it.
    package func read(number: String?, organizationID: Int?) async throws -> Snapshot {
        var keys = [RedisKey.directoryVersion]
        if let number { keys.append(RedisKey.directoryNumber(number)) }
        let reply = try await redis.eval(
            Self.readScript, keys: keys,
            arguments: [Self.organizationKeyPrefix, organizationID.map(String.init) ?? ""])
        guard let parts = reply.array, parts.count == 3 else {
            throw RedisError.unexpectedReply("directory read answered \(reply)")
        }
        let version = parts[0].string ?? ""
        let decoder = JSONDecoder()
        let entry = try parts[1].string.map { try decoder.decode(DirectoryPhoneNumber.self, from: Data($0.utf8)) }
        var credentials: OrganizationCredentials?
        if let organizationJSON = parts[2].string {
            let organization = try decoder.decode(DirectoryOrganization.self, from: Data(organizationJSON.utf8))
            credentials =
                try organization.sealedCredentials.map { try secrets.openJSON(OrganizationCredentials.self, from: $0) }
                ?? OrganizationCredentials()
        }
        let id = organizationID ?? entry?.organizationID
        entries.withLock { entries in
            if entries.numbers.count + entries.organizations.count >= capacity { entries = Entries() }
            if let number {
                if let entry {
                    if Self.isNewer(version, than: entries.numbers[number]?.version) {
                        entries.numbers[number] = Number(entry: entry, version: version)
                    }
                } else {
                    entries.numbers[number] = nil
                }
            }
            if let id {
                if let credentials {
                    if Self.isNewer(version, than: entries.organizations[id]?.version) {
                        entries.organizations[id] = Organization(credentials: credentials, version: version)
                    }
                } else {
                    entries.organizations[id] = nil
                }
            }
        }
        return Snapshot(number: entry, credentials: credentials, version: version, isFresh: true)
    }

    /// Whether a read at `version` may replace one at `current`: a slower concurrent read must not
    /// replace an entry read at a later version.
    private static func isNewer(_ version: String, than current: String?) -> Bool {
        guard let current, let currentVersion = Int(current), let newVersion = Int(version) else { return true }
        return newVersion >= currentVersion
    }

    /// Reads `sb:dir:version`, a sending number's entry and an organization's entry atomically,
    /// for ``DirectoryCache``.
    ///
    /// KEYS: 1 `sb:dir:version`, 2 (optional) the number's entry. ARGV: 1 the organization key
    /// prefix (`sb:dir:org:`), 2 the organization id, or '' for the one the number's entry names.
    /// The organization key is built here from the id (so it is not in KEYS; Switchboard runs one
    /// Redis instance, and the gateway's directory `MULTI`/`EXEC` spans many directory keys too). Returns
    /// `{version or '', number JSON or false, organization JSON or false}`.
    static let readScript = RedisScript(
        """
        local version = redis.call('GET', KEYS[1]) or ''
        local number = false
        if KEYS[2] then number = redis.call('GET', KEYS[2]) end
        local id = ARGV[2]
        if id == '' then
          if not number then return {version, false, false} end
          local ok, entry = pcall(cjson.decode, number)
          if not ok or type(entry) ~= 'table' or type(entry['organization_id']) ~= 'number' then
            return {version, number, false}
          end
          id = string.format('%d', entry['organization_id'])
        end
        local organization = redis.call('GET', ARGV[1] .. id)
        return {version, number, organization or false}
        """)
}
