import Foundation

/// Small conversions the webhook parsers share.
enum WebhookValues {
    /// A Vonage number (digits, no `+`) in E.164 with `+`. Short codes (fewer than 7 digits, the
    /// shortest E.164 number Vonage accepts) and alphanumeric sender ids are returned as they are.
    static func e164(vonage number: String) -> String {
        if number.count >= 7, number.allSatisfy(\.isASCIIDigit) { return "+" + number }
        return number
    }

    /// An ISO 8601 timestamp, with or without fractional seconds.
    static func iso8601(_ text: String?) -> Date? {
        guard let text else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// A Vonage SMS API `YYYY-MM-DD HH:MM:SS` timestamp, which is UTC.
    static func vonageTimestamp(_ text: String?) -> Date? {
        guard let text, text.count == 19 else { return nil }
        return iso8601(text.replacingOccurrences(of: " ", with: "T") + "Z")
    }

    /// Raw request text for the `raw` fields.
    static func text(_ body: Data) -> String {
        String(decoding: body, as: UTF8.self)
    }
}

extension Character {
    /// `0`…`9` only, unlike `isNumber`.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
