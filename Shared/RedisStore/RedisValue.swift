/// One reply from Redis, decoded.
///
/// Status replies (`+OK`) and bulk strings both become ``string(_:)``; a nil bulk string or nil
/// array becomes ``null``. Error replies only appear as ``error(_:)`` inside pipelines and
/// arrays: a top-level error reply to ``RedisClient/command(_:)-(String...)`` is thrown as
/// ``RedisError/server(_:)``.
package enum RedisValue: Sendable, Hashable {
    /// A nil bulk string or nil array.
    case null
    /// A bulk string or a status reply, decoded as UTF-8.
    case string(String)
    /// An integer reply.
    case integer(Int)
    /// A (possibly nested) array reply.
    case array([RedisValue])
    /// An error reply, with the server's message (for example `WRONGTYPE Operation against ...`).
    case error(String)

    /// The text of a string reply, or nil for any other reply.
    package var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The value of an integer reply, or of a string reply that holds a decimal integer
    /// (as `GET` returns for a counter); nil otherwise.
    package var int: Int? {
        switch self {
        case .integer(let value): value
        case .string(let text): Int(text)
        default: nil
        }
    }

    /// The elements of an array reply, or nil for any other reply.
    package var array: [RedisValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// Whether this is the nil reply.
    package var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The message of an error reply, or nil for any other reply.
    package var errorMessage: String? {
        if case .error(let message) = self { message } else { nil }
    }
}

extension RedisValue: CustomStringConvertible {
    /// A compact, redis-cli-like rendering for logs and test failures.
    package var description: String {
        switch self {
        case .null: "(nil)"
        case .string(let value): "\"\(value)\""
        case .integer(let value): "(integer) \(value)"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .error(let message): "(error) \(message)"
        }
    }
}
