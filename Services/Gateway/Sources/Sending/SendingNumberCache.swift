import Foundation
import RedisStore
import Synchronization
import WireModels

/// The directory entries of sending numbers, kept in memory so a send needs no Redis read for
/// them, and never used stale.
///
/// Each entry is read together with `sb:dir:version` (the counter every directory change bumps),
/// version first, so an entry is never tagged with a version newer than itself. The enqueue
/// script compares the tag with the current version in the same atomic step that queues the
/// message and answers `stale` when the directory changed since: the send then reads again. A
/// number moved to another organization or assistant is therefore seen by the very next send,
/// on every gateway replica, at no cost to the sends in between.
final class SendingNumberCache: Sendable {
    struct Lookup: Sendable {
        var entry: DirectoryPhoneNumber?
        /// The value of `sb:dir:version` read before the entry ("" when the key is missing).
        var version: String
    }

    private let redis: RedisClient
    private let capacity: Int
    private let entries = Mutex<[String: Lookup]>([:])

    init(redis: RedisClient, capacity: Int = 100_000) {
        self.redis = redis
        self.capacity = capacity
    }

    /// The cached lookup of `number`, if any (possibly stale: the enqueue script checks).
    func cached(_ number: String) -> Lookup? {
        entries.withLock { $0[number] }
    }

    /// Reads `number` from Redis (one round trip), caches a found entry and returns it.
    func refresh(_ number: String) async throws -> Lookup {
        let replies = try await redis.pipeline([["GET", RedisKey.directoryVersion], ["GET", RedisKey.directoryNumber(number)]])
        guard replies.count == 2 else { throw RedisError.unexpectedReply("directory read answered \(replies)") }
        if let message = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.server(message) }
        let entry = try replies[1].string.map { try JSONDecoder().decode(DirectoryPhoneNumber.self, from: Data($0.utf8)) }
        let lookup = Lookup(entry: entry, version: replies[0].string ?? "")
        entries.withLock { entries in
            if entry == nil {
                entries[number] = nil
                return
            }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[number] = lookup
        }
        return lookup
    }

    /// Drops `number` (the enqueue script found the directory changed).
    func forget(_ number: String) {
        entries.withLock { $0[number] = nil }
    }
}
