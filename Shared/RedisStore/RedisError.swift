/// Everything that can go wrong talking to Redis.
///
/// Each case carries a one-line reason meant for logs and error bodies; none of them ever
/// contains a password.
package enum RedisError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A Redis URL could not be parsed; the reason names the part that is wrong.
    case invalidURL(String)
    /// No connection could be made: the server is down or unreachable, the connect timed out, or
    /// the handshake (AUTH, SELECT) was refused. Nothing was sent, so the call may be retried.
    case connectionFailed(String)
    /// An established connection broke or timed out while a command was in flight. The command
    /// may or may not have run; the connection is reopened on the next use.
    case connectionLost(String)
    /// The server answered the command with an error reply, such as `WRONGTYPE ...`.
    case server(String)
    /// The server answered with a reply whose shape this client did not expect.
    case unexpectedReply(String)
    /// The client has been shut down and accepts no more commands.
    case shutdown

    package var description: String {
        switch self {
        case .invalidURL(let reason): "invalid Redis URL: \(reason)"
        case .connectionFailed(let reason): "cannot connect to Redis: \(reason)"
        case .connectionLost(let reason): "lost the Redis connection: \(reason)"
        case .server(let message): "Redis error: \(message)"
        case .unexpectedReply(let reason): "unexpected Redis reply: \(reason)"
        case .shutdown: "the Redis client has been shut down"
        }
    }
}
