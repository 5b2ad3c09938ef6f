import Foundation
import ServiceRuntime
import Testing

@Suite struct EncodingHelpersTests {
    @Test func randomUUIDsAreLowercaseVersion4AndParseAsUUIDs() {
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let text = RandomUUID.string()
            #expect(text.count == 36)
            #expect(text == text.lowercased())
            let parsed = UUID(uuidString: text)
            #expect(parsed != nil, "\(text) is not a UUID")
            let bytes = parsed.map { withUnsafeBytes(of: $0.uuid) { Array($0) } } ?? []
            #expect(bytes.count == 16 && bytes[6] >> 4 == 4, "version nibble of \(text)")
            #expect(bytes.count == 16 && bytes[8] >> 6 == 0b10, "variant bits of \(text)")
            seen.insert(text)
        }
        #expect(seen.count == 1_000)
    }

    @Test func lowercaseHexMatchesTwoDigitsPerByte() {
        #expect([UInt8]().lowercaseHex == "")
        #expect([0x00, 0x0f, 0xa0, 0xff].lowercaseHex == "000fa0ff")
        let all = (0...255).map { UInt8($0) }
        #expect(all.lowercaseHex == all.map { String(format: "%02x", $0) }.joined())
    }
}
