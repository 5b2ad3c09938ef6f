/// Why a process refused its configuration. Each case names the variable.
package enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A required variable is not set or is empty.
    case missing(variable: String)
    /// A variable is set to a value the process cannot use.
    case invalid(variable: String, reason: String)

    /// The variable this error is about.
    package var variable: String {
        switch self {
        case .missing(let variable), .invalid(let variable, _): variable
        }
    }

    /// One line, for standard error at start.
    package var description: String {
        switch self {
        case .missing(let variable): "\(variable) is required but not set"
        case .invalid(let variable, let reason): "\(variable) is invalid: \(reason)"
        }
    }
}
