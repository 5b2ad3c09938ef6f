/// Address checks shared by the three emulated APIs.
enum PhoneNumberFormat {
    /// `+` and 7 to 15 digits, the first not zero (E.164).
    static func isE164(_ value: String) -> Bool {
        let bytes = value.utf8
        guard bytes.first == UInt8(ascii: "+") else { return false }
        return isDigits(value.dropFirst(), count: 7...15) && bytes.dropFirst().first != UInt8(ascii: "0")
    }

    /// A short code: 3 to 8 digits.
    static func isShortCode(_ value: String) -> Bool {
        isDigits(Substring(value), count: 3...8)
    }

    /// An alphanumeric sender id: 1 to 11 letters, digits or spaces, with at least one letter.
    static func isAlphanumericSender(_ value: String) -> Bool {
        guard (1...11).contains(value.utf8.count) else { return false }
        var hasLetter = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): hasLetter = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "): break
            default: return false
            }
        }
        return hasLetter
    }

    /// Vonage's number format: 7 to 15 digits, no `+` and no leading `00`.
    static func isVonageNumber(_ value: String) -> Bool {
        isDigits(Substring(value), count: 7...15) && !value.hasPrefix("00")
    }

    /// The digits of a number with any leading `+` removed: the key of the magic-number table.
    static func digits(_ value: String) -> Substring {
        value.hasPrefix("+") ? value.dropFirst() : Substring(value)
    }

    /// An absolute http(s) URL with a host.
    static func isHTTPURL(_ value: String) -> Bool {
        let rest: Substring
        if value.hasPrefix("http://") {
            rest = value.dropFirst(7)
        } else if value.hasPrefix("https://") {
            rest = value.dropFirst(8)
        } else {
            return false
        }
        guard let first = rest.first, first != "/", first != "?", first != "#" else { return false }
        return !rest.contains(" ")
    }

    private static func isDigits(_ value: Substring, count: ClosedRange<Int>) -> Bool {
        count.contains(value.utf8.count) && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
