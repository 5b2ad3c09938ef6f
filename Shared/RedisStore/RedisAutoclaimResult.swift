/// What `XAUTOCLAIM` returns.
package struct RedisAutoclaimResult: Sendable, Hashable {
    /// The id to pass as `start` to continue the scan; `0-0` when the scan is complete.
    package var nextStart: String
    /// The entries now owned by the claiming consumer.
    package var entries: [RedisStreamEntry]
    /// Ids in the scanned range that were pending but no longer exist in the stream, whatever
    /// their idle time; Redis 7 drops them from the pending list. Always empty on Redis 6.2.
    package var deletedIDs: [String]

    /// Creates a result.
    package init(nextStart: String, entries: [RedisStreamEntry], deletedIDs: [String]) {
        self.nextStart = nextStart
        self.entries = entries
        self.deletedIDs = deletedIDs
    }
}
