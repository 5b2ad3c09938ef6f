#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Duration {
    /// Whole milliseconds, rounded down, as Redis takes them for `BLOCK`, `IDLE` and `MAXLEN`-style
    /// arguments.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// A socket timeout for hiredis. Zero would mean "wait forever" to the kernel, so the
    /// shortest timeout is one millisecond.
    var timeval: timeval {
        let milliseconds = Swift.max(1, self.milliseconds)
        return .init(tv_sec: time_t(milliseconds / 1000), tv_usec: suseconds_t((milliseconds % 1000) * 1000))
    }
}
