import Foundation
import RedisStore
import ServiceRuntime
import Synchronization
import WireModels

/// The directory entries of sending numbers and the organizations' decrypted provider
/// credentials, kept in memory so a queued message needs no directory read, and never used stale.
///
/// A miss reads `sb:dir:version` (the counter every directory change bumps), the number's entry
/// and the organization's entry in one script, one round trip (``SenderScripts/readDirectory``),
/// so both are tagged with the version they were read at. The claim script compares the tag with
/// the current version in the same atomic step that claims the message and answers `stale` when
/// the directory changed since: the dispatcher then reads again. A rotated credential or a
/// removed number is therefore seen by the very next message on every sender replica. Decrypted
/// credentials stay in memory only and are never logged.
final class DirectoryCache: Sendable {
    /// What the dispatcher needs from the directory for one message, all as of one version.
    struct Snapshot: Sendable {
        /// The sending number's entry, when asked for and found.
        var number: DirectoryPhoneNumber?
        /// The organization's credentials; nil when its entry is missing.
        var credentials: OrganizationCredentials?
        /// The value of `sb:dir:version` the snapshot was read at ("" when the key is missing).
        var version: String
        /// Read from Redis just now rather than taken from memory: only such a snapshot may fail a message.
        var isFresh: Bool
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

    init(redis: RedisClient, secrets: SecretBox, capacity: Int = 100_000) {
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
    func lookup(number: String?, organizationID: Int?, fresh: Bool) async throws -> Snapshot {
        if !fresh, let cached = cached(number: number, organizationID: organizationID) { return cached }
        return try await read(number: number, organizationID: organizationID)
    }

    /// Drops what is cached for `number` and `organizationID` (the claim found the directory changed).
    func forget(number: String?, organizationID: Int?) {
        entries.withLock { entries in
            if let number { entries.numbers[number] = nil }
            if let organizationID { entries.organizations[organizationID] = nil }
        }
    }

    private func cached(number: String?, organizationID: Int?) -> Snapshot? {
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

    private func read(number: String?, organizationID: Int?) async throws -> Snapshot {
        var keys = [RedisKey.directoryVersion]
        if let number { keys.append(RedisKey.directoryNumber(number)) }
        let reply = try await redis.eval(
            SenderScripts.readDirectory, keys: keys,
            arguments: [Self.organizationKeyPrefix, organizationID.map(String.init) ?? ""])
        guard let parts = reply.array, parts.count == 3 else {
            throw SenderError.unexpectedReply("directory read answered \(reply)")
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
}
