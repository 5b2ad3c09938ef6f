import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 for a test server, free a moment ago and handed out once per process.
///
/// Ports come from below the kernel's ephemeral range (`ip_local_port_range`, 32768-60999 by
/// default), walking from a random start: the kernel never gives those to outgoing connections,
/// so the many client sockets of tests running in parallel cannot take a port between this call
/// and the server's bind (which made a server fail to start now and then when the port came from
/// `bind(0)`). A port another process holds is skipped. If the range below is too small, falls
/// back to a port the kernel picks with `bind(0)`. Another process may still take the port before
/// you bind it, so callers that start a server should retry on a new port when the bind fails
/// (``RedisServerProcess/launch(password:arguments:)`` does).
public func freeTCPPort() -> Int {
    let low = 10_000
    let high = min(ephemeralRangeStart(), 32_768) - 1
    guard high - low >= 1_000 else { return kernelChosenPort() }
    for _ in low...high {
        let candidate = nextCandidatePort.withLock { next -> Int in
            if next == 0 { next = Int.random(in: low...high) }
            let candidate = next
            next = next >= high ? low : next + 1
            return candidate
        }
        if canBind(port: candidate) { return candidate }
    }
    return kernelChosenPort()
}

/// The next port ``freeTCPPort()`` tries (0 until the first call picks a random start).
private let nextCandidatePort = Mutex(0)

/// The first port of the kernel's ephemeral range (32768 when it cannot be read).
private func ephemeralRangeStart() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
        let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap({ Int($0) })
    else { return 32_768 }
    return first
}

/// Whether a listening socket could bind 127.0.0.1:`port` now (with `SO_REUSEADDR`, as servers do).
private func canBind(port: Int) -> Bool {
    let descriptor = socket(AF_INET, SocketAddress.streamType, 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var yes: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = SocketAddress.loopback(port: port)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return bound == 0
}

/// A port the kernel chose for `bind(127.0.0.1:0)`.
private func kernelChosenPort() -> Int {
    let descriptor = socket(AF_INET, SocketAddress.streamType, 0)
    precondition(descriptor >= 0, "socket() failed: errno \(errno)")
    defer { close(descriptor) }
    var address = SocketAddress.loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    precondition(bound == 0, "bind(127.0.0.1:0) failed: errno \(errno)")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(descriptor, $0, &length)
        }
    }
    precondition(named == 0, "getsockname failed: errno \(errno)")
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Small helpers over the BSD socket API, shared by the port finder and the readiness probe.
enum SocketAddress {
    #if os(Linux)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    static let streamType = SOCK_STREAM
    #endif

    /// `127.0.0.1:port`.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        #if !os(Linux)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
