/// The operation did not finish within its time limit.
package struct TimeoutError: Error, CustomStringConvertible {
    /// The limit that passed.
    package var limit: Duration
    package var description: String { "timed out after \(limit)" }
}

/// Runs `operation`, throwing `TimeoutError` if it has not finished within `limit`.
/// The operation is cancelled when the limit passes.
package func withTimeout<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
