/// Errors of the provider sandbox's own set-up (not the emulated providers' errors, which are
/// replies in each provider's shape).
public enum SandboxError: Error, CustomStringConvertible, Sendable {
    /// An environment variable has a value the sandbox cannot use.
    case invalidVariable(name: String, reason: String)
    /// An account definition (from `SANDBOX_ACCOUNTS` or `POST /sandbox/accounts`) is incomplete.
    case invalidAccount(reason: String)

    public var description: String {
        switch self {
        case .invalidVariable(let name, let reason): "invalid \(name): \(reason)"
        case .invalidAccount(let reason): "invalid account: \(reason)"
        }
    }
}
