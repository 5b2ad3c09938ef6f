#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `posix_spawn` failed.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// The program that could not be started.
    public var executable: String
    /// The `errno`-style code `posix_spawn` returned.
    public var code: Int32

    public var description: String {
        "cannot start \(self.executable): \(String(cString: strerror(self.code)))"
    }
}
