import Synchronization

/// Set once graceful shutdown begins: loops stop taking work, and messages still waiting for a
/// pacing token are left pending for another sender instead of holding shutdown up. A cancelled
/// task counts as stopped too, so no loop spins on a shut-down Redis client after cancellation.
final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    init() {}

    /// Whether shutdown has begun, or the calling task was cancelled.
    var isStopped: Bool { stopped.load(ordering: .acquiring) || Task.isCancelled }

    /// Marks shutdown as begun.
    func stop() { stopped.store(true, ordering: .releasing) }
}
