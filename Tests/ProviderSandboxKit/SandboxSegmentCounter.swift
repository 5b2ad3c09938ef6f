/// SMS segment counting per providers.md §6.4, written independently of WireModels so the
/// sandbox and the real clients cross-check each other.
enum SandboxSegmentCounter {
    /// The encoding a text needs.
    enum Encoding: Sendable {
        case gsm7
        case ucs2

        /// Telnyx's spelling.
        var telnyxName: String { self == .gsm7 ? "GSM-7" : "UCS-2" }
    }

    /// The result of counting one text.
    struct Count: Sendable {
        var encoding: Encoding
        /// Septets (GSM-7) or UTF-16 code units (UCS-2).
        var units: Int
        /// Segments on the air; 1 for an empty text.
        var segments: Int
    }

    // 3GPP TS 23.038 basic table (§6.2), one septet each; ESC itself is not a character.
    private static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    // Extension table (§6.3): escape plus one septet, two each.
    private static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    static func count(_ text: String) -> Count {
        var isGSM = true
        for scalar in text.unicodeScalars where !(scalar.isASCII && isPlainASCIIInBasic(scalar)) {
            if !basic.contains(scalar) && !extended.contains(scalar) {
                isGSM = false
                break
            }
        }
        if isGSM {
            return fill(text.unicodeScalars.lazy.map { extended.contains($0) ? 2 : 1 }, single: 160, perPart: 153, encoding: .gsm7)
        }
        return fill(text.unicodeScalars.lazy.map { $0.utf16.count }, single: 70, perPart: 67, encoding: .ucs2)
    }

    /// Printable ASCII that is in the basic table, checked without hashing (the common case).
    private static func isPlainASCIIInBasic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", " ", "!", "\"", "#", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
            ":", ";", "<", "=", ">", "?", "@", "$", "_", "\n", "\r":
            true
        default: false
        }
    }

    /// Fills segments greedily; a unit (escape pair, surrogate pair) never straddles two segments.
    private static func fill(_ costs: some Sequence<Int>, single: Int, perPart: Int, encoding: Encoding) -> Count {
        var total = 0
        var segments = 1
        var used = 0
        for cost in costs {
            total += cost
            if used + cost > perPart {
                segments += 1
                used = cost
            } else {
                used += cost
            }
        }
        return Count(encoding: encoding, units: total, segments: total <= single ? 1 : segments)
    }
}
