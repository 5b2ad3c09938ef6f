/// Lowercase hex of bytes (digests, HMACs) without `String(format:)`, which costs a Foundation
/// formatter per byte and showed up at 10 % of the gateway's CPU in a send benchmark.
extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hex, two characters per byte.
    package var lowercaseHex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
