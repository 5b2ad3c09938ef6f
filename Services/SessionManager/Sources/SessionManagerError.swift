/// Errors of session-manager's own logic (HTTP errors are `APIError`s).
package enum SessionManagerError: Error, CustomStringConvertible {
    /// The SQLite store contradicts itself (a row that must exist does not); a bug, never user input.
    case inconsistentStore(String)
    /// A Redis reply had an unexpected shape.
    case unexpectedRedisReply(String)

    package var description: String {
        switch self {
        case .inconsistentStore(let reason): "inconsistent session-manager store: \(reason)"
        case .unexpectedRedisReply(let reason): "unexpected Redis reply: \(reason)"
        }
    }
}
