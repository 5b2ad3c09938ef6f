import Foundation

/// Timestamps on the wire: ISO 8601 in UTC with milliseconds (`2026-11-23T21:49:57.123Z`).
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Formats seconds since 1970.
    public static func string(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(style)
    }

    /// Formats seconds since 1970, or nil.
    public static func optional(_ seconds: Double?) -> String? {
        seconds.map { string($0) }
    }

    /// Parses ISO 8601 with or without fractional seconds, or a plain date (`2026-04-01`, UTC midnight).
    public static func parse(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().year().month().day().parse(text) { return date }
        return nil
    }
}
