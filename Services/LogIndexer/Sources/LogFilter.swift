/// The filters of `GET /api/v1/sms-logs/`, validated; every query adds the caller's organization.
package struct LogFilter: Sendable, Equatable {
    package var provider: String?
    package var direction: String?
    package var status: String?
    package var fromNumber: String?
    package var toNumber: String?
    package var assistantID: Int?
    package var range = LogDateRange()
    /// An FTS5 query built from the caller's words (see ``LogSearch``).
    package var search: String?

    package init() {}

    /// Whether the hourly counts can answer `total` (they know direction, status and provider only).
    var isCountableFromRollup: Bool {
        fromNumber == nil && toNumber == nil && assistantID == nil && search == nil
    }
}

/// A half-open range of Unix milliseconds; nil bounds are open.
package struct LogDateRange: Sendable, Equatable {
    package var from: Int64?
    /// Exclusive.
    package var to: Int64?

    package init(from: Int64? = nil, to: Int64? = nil) {
        self.from = from
        self.to = to
    }
}

/// Turns what a caller typed into a safe FTS5 query: every word must occur, as a word or a
/// word prefix (`appoint` finds "appointment"); FTS5 syntax characters are never interpreted.
package enum LogSearch {
    package static func query(_ text: String) -> String? {
        let words = text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).prefix(16)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0.lowercased())\"*" }.joined(separator: " ")
    }
}
