import Testing
import WireModels

/// The worked counts of providers.md §6.4, plus the alphabet edges of §6.2 and §6.3.
@Suite struct SegmentCounterTests {
    struct WorkedCount: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let encoding: SMSEncoding
        let units: Int
        let segments: Int
        var testDescription: String { label }
    }

    static let workedCounts: [WorkedCount] = [
        .init(label: "160 × a", text: String(repeating: "a", count: 160), encoding: .gsm7, units: 160, segments: 1),
        .init(label: "161 × a", text: String(repeating: "a", count: 161), encoding: .gsm7, units: 161, segments: 2),
        .init(label: "306 × a", text: String(repeating: "a", count: 306), encoding: .gsm7, units: 306, segments: 2),
        .init(label: "307 × a", text: String(repeating: "a", count: 307), encoding: .gsm7, units: 307, segments: 3),
        .init(label: "80 × €", text: String(repeating: "€", count: 80), encoding: .gsm7, units: 160, segments: 1),
        .init(label: "81 × €", text: String(repeating: "€", count: 81), encoding: .gsm7, units: 162, segments: 2),
        .init(
            label: "152 × a + € + 152 × b",
            text: String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 152),
            encoding: .gsm7, units: 306, segments: 3),
        .init(label: "70 × ж", text: String(repeating: "ж", count: 70), encoding: .ucs2, units: 70, segments: 1),
        .init(label: "71 × ж", text: String(repeating: "ж", count: 71), encoding: .ucs2, units: 71, segments: 2),
        .init(label: "134 × ж", text: String(repeating: "ж", count: 134), encoding: .ucs2, units: 134, segments: 2),
        .init(label: "135 × ж", text: String(repeating: "ж", count: 135), encoding: .ucs2, units: 135, segments: 3),
        .init(label: "35 × 😀", text: String(repeating: "😀", count: 35), encoding: .ucs2, units: 70, segments: 1),
        .init(label: "36 × 😀", text: String(repeating: "😀", count: 36), encoding: .ucs2, units: 72, segments: 2),
        .init(
            label: "66 × ж + 😀 + 66 × ж",
            text: String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 66),
            encoding: .ucs2, units: 134, segments: 3),
        .init(label: "Hello 😀", text: "Hello 😀", encoding: .ucs2, units: 8, segments: 1),
        .init(label: "backtick", text: "`", encoding: .ucs2, units: 1, segments: 1),
    ]

    @Test(arguments: workedCounts)
    func matchesTheWorkedCountsOfTheProviderReference(_ worked: WorkedCount) {
        let count = SegmentCounter.count(worked.text)
        #expect(count.encoding == worked.encoding)
        #expect(count.units == worked.units)
        #expect(count.segments == worked.segments)
    }

    @Test func countsEveryBasicTableCharacterAsOneSeptet() {
        let basic =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        let count = SegmentCounter.count(basic)
        #expect(count.encoding == .gsm7)
        #expect(count.units == basic.unicodeScalars.count)
    }

    @Test func countsEveryExtensionTableCharacterAsTwoSeptets() {
        let extended = "\u{0C}^{}\\[~]|€"
        let count = SegmentCounter.count(extended)
        #expect(count.encoding == .gsm7)
        #expect(count.units == 20)
    }

    @Test(arguments: ["ç", "“", "”", "‘", "’", "…", "–", "—", "á", "í", "ó", "ú"])
    func switchesToUCS2ForCharactersOutsideTheAlphabet(_ character: String) {
        let count = SegmentCounter.count("Hello " + character)
        #expect(count.encoding == .ucs2)
        #expect(count.units == 7)
    }

    @Test func neverSplitsAnEscapePairAcrossParts() {
        // 153 septets exactly fill the first part; the euro starting at septet 153 must move.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 10)
        #expect(SegmentCounter.count(text) == SegmentCount(encoding: .gsm7, segments: 2, units: 164, characters: 163))
    }

    @Test func countsCarriageReturnLineFeedAsTwoSeptetsButOneCharacter() {
        #expect(SegmentCounter.count("a\r\nb") == SegmentCount(encoding: .gsm7, segments: 1, units: 4, characters: 3))
    }

    @Test func treatsADecomposedAccentAsUCS2() {
        #expect(SegmentCounter.count("e\u{301}").encoding == .ucs2)
        #expect(SegmentCounter.count("\u{E9}").encoding == .gsm7)
    }

    @Test func countsAnEmptyTextAsNoSegments() {
        #expect(SegmentCounter.count("") == SegmentCount(encoding: .gsm7, segments: 0, units: 0, characters: 0))
    }

    @Test func encodesTheEncodingNameAsTheProvidersSpellIt() throws {
        #expect(SMSEncoding.gsm7.rawValue == "GSM-7")
        #expect(SMSEncoding.ucs2.rawValue == "UCS-2")
    }
}
