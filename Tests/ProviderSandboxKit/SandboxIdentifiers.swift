/// Identifiers in each provider's format.
enum SandboxIdentifiers {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A Twilio-style SID: two-letter prefix (`SM`, `MM`, `AC`, `MG`) and 32 lowercase hex digits.
    static func twilioSID(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = Array(prefix.utf8)
        bytes.reserveCapacity(34)
        appendHex(generator.next() as UInt64, to: &bytes)
        appendHex(generator.next() as UInt64, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A random (version 4) UUID in lowercase, as Telnyx and Vonage write them.
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var high: UInt64 = generator.next()
        var low: UInt64 = generator.next()
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        appendHex(high, to: &hex)
        appendHex(low, to: &hex)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (index, digit) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(digit)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 32 lowercase hex digits (Vonage's `instance` and `X-Request-Id`).
    static func hex32() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        appendHex(generator.next() as UInt64, to: &bytes)
        appendHex(generator.next() as UInt64, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lowercase hex of arbitrary bytes (digests).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
        var shift = 60
        while shift >= 0 {
            bytes.append(hexDigits[Int((value >> UInt64(shift)) & 0x0F)])
            shift -= 4
        }
    }
}
