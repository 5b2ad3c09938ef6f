import Foundation
import ServiceRuntime
import Synchronization

/// Assistant names for list items, read from the tenant directory in Redis and kept briefly, so
/// a page costs at most one read per assistant and a rename shows within the TTL.
final class AssistantNameCache: Sendable {
    private struct Entry {
        var name: String?
        var organizationID: Int?
        var expires: ContinuousClock.Instant
    }

    private let directory: DirectoryReader
    private let ttl: Duration
    private let entries = Mutex<[Int: Entry]>([:])

    init(directory: DirectoryReader, ttl: Duration) {
        self.directory = directory
        self.ttl = ttl
    }

    /// The names of the given assistants of one organization; unknown ones (or Redis being
    /// unreachable) are left out, so the item shows `null`.
    func names(of assistantIDs: Set<Int>, organizationID: Int) async -> [Int: String] {
        let now = ContinuousClock.now
        var result: [Int: String] = [:]
        var missing: [Int] = []
        entries.withLock { entries in
            for id in assistantIDs {
                if let entry = entries[id], entry.expires > now {
                    if entry.organizationID == organizationID, let name = entry.name { result[id] = name }
                } else {
                    missing.append(id)
                }
            }
        }
        for id in missing {
            guard let assistant = try? await directory.assistant(id) else {
                // Unknown, or Redis unreachable: cache the miss briefly either way.
                entries.withLock { $0[id] = Entry(name: nil, organizationID: nil, expires: now + ttl) }
                continue
            }
            entries.withLock { $0[id] = Entry(name: assistant.name, organizationID: assistant.organizationID, expires: now + ttl) }
            if assistant.organizationID == organizationID { result[id] = assistant.name }
        }
        return result
    }
}
