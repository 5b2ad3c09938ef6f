import Foundation

/// A wall-clock instant rendered in the formats the providers put on the wire.
struct SandboxTimestamp: Sendable {
    /// Seconds since 1970 (UTC).
    let unixSeconds: Int
    /// Milliseconds within the second.
    let milliseconds: Int
    private let year: Int
    private let month: Int
    private let day: Int
    private let hour: Int
    private let minute: Int
    private let second: Int
    private let weekday: Int

    /// Now.
    init() {
        self.init(date: Date())
    }

    init(date: Date) {
        let interval = date.timeIntervalSince1970
        let seconds = Int(interval.rounded(.down))
        unixSeconds = seconds
        milliseconds = min(999, Int((interval - Double(seconds)) * 1000))
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
        weekday = Int(parts.tm_wday)
    }

    /// This instant moved by `seconds`.
    func adding(seconds: Int) -> Self {
        Self(date: Date(timeIntervalSince1970: Double(unixSeconds + seconds) + Double(milliseconds) / 1000))
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Twilio's RFC 2822 dates: `Thu, 24 Aug 2023 05:01:45 +0000`.
    var rfc2822: String {
        "\(Self.weekdays[weekday]), \(pad(day)) \(Self.months[month - 1]) \(year) "
            + "\(pad(hour)):\(pad(minute)):\(pad(second)) +0000"
    }

    /// Telnyx's ISO 8601 with milliseconds: `2024-01-15T20:16:07.588+00:00`.
    var iso8601Milliseconds: String {
        "\(year)-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second)).\(pad(milliseconds, width: 3))+00:00"
    }

    /// Vonage's ISO 8601 in whole seconds: `2025-02-03T12:14:25Z`.
    var iso8601Seconds: String {
        "\(year)-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))Z"
    }

    /// Twilio's `RawDlrDoneDate`: `YYMMDDhhmm`, no time zone.
    var dlrDoneDate: String {
        "\(pad(year % 100))\(pad(month))\(pad(day))\(pad(hour))\(pad(minute))"
    }

    private func pad(_ value: Int, width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
