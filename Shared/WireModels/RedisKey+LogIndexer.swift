// MARK: Delivery logs (log-indexer)

extension RedisKey {
    /// Consumer group of log-indexer on `sms:events` (created from id `0`, so a new deployment
    /// indexes the whole capped stream).
    public static let logIndexerGroup = "log-indexer"
}
