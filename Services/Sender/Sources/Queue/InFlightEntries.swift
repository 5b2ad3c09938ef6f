import Synchronization

/// The queue entries this process is working on, per stream, so their idle time can be reset
/// while they wait for pacing or a provider: another sender only takes over entries whose
/// consumer stopped renewing them (``PendingClaimerService``).
final class InFlightEntries: Sendable {
    private let entries = Mutex<[String: Set<String>]>([:])

    init() {}

    /// Marks an entry of `stream` as being worked on.
    func insert(_ id: String, stream: String) {
        entries.withLock { _ = $0[stream, default: []].insert(id) }
    }

    /// Marks an entry as finished (acknowledged, or given up to be taken over).
    func remove(_ id: String, stream: String) {
        entries.withLock { _ = $0[stream]?.remove(id) }
    }

    /// The entries of `stream` being worked on now.
    func ids(stream: String) -> [String] {
        entries.withLock { Array($0[stream] ?? []) }
    }
}
