import Crypto

/// A Lua script run with ``RedisClient/eval(_:keys:arguments:)``.
///
/// The SHA-1 is computed once, here, so calls send `EVALSHA` and only fall back to `EVAL` with the
/// source when the server answers `NOSCRIPT` (after a restart or `SCRIPT FLUSH`). Keep scripts in
/// `static let`s so the digest is computed once per process.
package struct RedisScript: Sendable, Hashable {
    /// The Lua source, exactly as sent with `EVAL` when the server does not have it.
    package let source: String
    /// The lowercase hex SHA-1 of ``source``, as Redis names the script.
    package let sha1: String

    /// Wraps Lua source and computes its SHA-1.
    package init(_ source: String) {
        self.source = source
        let digest = Insecure.SHA1.hash(data: Array(source.utf8))
        self.sha1 = digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
