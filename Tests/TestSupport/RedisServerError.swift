/// Why a ``RedisServerProcess`` could not be started or reached.
public enum RedisServerError: Error, CustomStringConvertible {
    /// No `redis-server` on PATH, nor at /usr/bin/redis-server.
    case executableNotFound
    /// The server process ended before it answered PING; `log` is the tail of its output.
    case exited(port: Int, status: Int32, log: String)
    /// The server did not answer PING within the timeout; `log` is the tail of its output.
    case notReady(port: Int, log: String)

    public var description: String {
        switch self {
        case .executableNotFound:
            "redis-server not found on PATH or at /usr/bin/redis-server (apt-get install redis-server)"
        case .exited(let port, let status, let log):
            "redis-server on port \(port) exited with status \(status) before it was ready:\n\(log)"
        case .notReady(let port, let log):
            "redis-server on port \(port) did not answer PING in time:\n\(log)"
        }
    }
}
