import Synchronization

/// Recently verified API keys, so a busy key does not cost a database read per request.
///
/// Only keys that were found valid are kept (by SHA-256), for at most `lifetime`. Revoking a key
/// through this gateway removes it at once (``forget(keyID:)``). Keys live in this gateway's own
/// SQLite file and only this process changes them, so the cache is exact; the lifetime bounds
/// the damage should anything else ever edit the file.
final class APIKeyCache: Sendable {
    struct Entry: Sendable {
        var keyID: Int64
        var organizationID: Int64
        var userID: Int64
        var expires: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Duration = .seconds(5), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached key with this hash, unless it has expired.
    func lookup(hash: String) -> Entry? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard entry.expires > now else {
                entries[hash] = nil
                return nil
            }
            return entry
        }
    }

    /// Remembers a key found valid just now.
    func store(hash: String, keyID: Int64, organizationID: Int64, userID: Int64) {
        let entry = Entry(keyID: keyID, organizationID: organizationID, userID: userID, expires: .now + lifetime)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = entry
        }
    }

    /// Drops a key (revoked), wherever it is cached.
    func forget(keyID: Int64) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.keyID != keyID }
        }
    }
}
