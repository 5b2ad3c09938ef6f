/// The summary form of `XPENDING stream group`.
package struct RedisPendingSummary: Sendable, Hashable {
    /// Number of entries delivered to the group and not yet acknowledged.
    package var count: Int
    /// Smallest pending id; nil when nothing is pending.
    package var smallestID: String?
    /// Largest pending id; nil when nothing is pending.
    package var largestID: String?
    /// Pending entries per consumer name; consumers with none are absent.
    package var consumers: [String: Int]

    /// Creates a summary.
    package init(count: Int, smallestID: String?, largestID: String?, consumers: [String: Int]) {
        self.count = count
        self.smallestID = smallestID
        self.largestID = largestID
        self.consumers = consumers
    }
}
