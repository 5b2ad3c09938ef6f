/// Errors raised by SQLiteStore itself; errors from SQLite are GRDB's `DatabaseError`, and a
/// migration's own error reaches the caller unchanged.
package enum SQLiteStoreError: Error, CustomStringConvertible {
    /// The database at `path` could not be created or opened (a missing permission, a parent that
    /// is not a directory, a file that is not a database, ...); `reason` says why.
    case cannotOpen(path: String, reason: String)
    /// Two migrations given to one database share `identifier`, so the second would never run.
    case duplicateMigration(identifier: String)
    /// The ``BatchedWriter`` has shut down (or was cancelled) and accepts no more items.
    case writerStopped
    /// ``BatchedWriter/run()`` was called on a writer that is running or has already run.
    case writerAlreadyStarted

    package var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open SQLite database at \(path): \(reason)"
        case .duplicateMigration(let identifier):
            "duplicate SQLite migration identifier \(identifier)"
        case .writerStopped:
            "the batched SQLite writer has stopped"
        case .writerAlreadyStarted:
            "the batched SQLite writer was already started"
        }
    }
}
