import Synchronization

/// Set once graceful shutdown begins: loops stop taking work, and messages still waiting for a
/// pacing token are left pending for another sender instead of holding shutdown up.
final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    init() {}

    /// Whether shutdown has begun.
    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Marks shutdown as begun.
    func stop() { stopped.store(true, ordering: .releasing) }
}
