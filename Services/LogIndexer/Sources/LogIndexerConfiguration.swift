import ServiceRuntime

/// log-indexer's configuration: the shared variables plus retention and consumer tuning.
package struct LogIndexerConfiguration: Sendable {
    package var service: ServiceConfiguration
    /// `LOG_RETENTION_DAYS`: logs and audit events older than this are pruned (and not indexed).
    package var retentionDays: Int
    /// `LOG_PRUNE_INTERVAL_SECONDS`: how often the background pruner runs.
    package var pruneInterval: Duration
    /// `LOG_PRUNE_BATCH_SIZE`: rows deleted per pruning transaction, so writes and reads never wait long.
    package var pruneBatchSize: Int
    /// `LOG_INDEXER_CONSUMERS`: concurrent readers of `sms:events`, each a consumer of the group.
    package var consumerCount: Int
    /// `LOG_INDEXER_READ_COUNT`: entries per `XREADGROUP`.
    package var readCount: Int
    /// `LOG_INDEXER_CLAIM_IDLE_SECONDS`: pending entries idle this long are claimed (XAUTOCLAIM)
    /// from consumers that died, at start and then every interval.
    package var claimIdle: Duration
    /// `LOG_INDEXER_BLOCK_MS`: how long one `XREADGROUP` waits for new entries.
    package var readBlock: Duration
    /// `ASSISTANT_NAME_CACHE_SECONDS`: how long an assistant's name read from the directory is reused.
    package var assistantNameTTL: Duration

    package init(environment: EnvironmentReader = EnvironmentReader()) throws {
        self.service = try ServiceConfiguration(service: .logIndexer, environment: environment)
        self.retentionDays = try environment.int("LOG_RETENTION_DAYS", default: 90, in: 1...36500)
        self.pruneInterval = .seconds(try environment.int("LOG_PRUNE_INTERVAL_SECONDS", default: 300, in: 1...86400))
        self.pruneBatchSize = try environment.int("LOG_PRUNE_BATCH_SIZE", default: 2000, in: 1...100_000)
        self.consumerCount = try environment.int("LOG_INDEXER_CONSUMERS", default: 2, in: 1...16)
        self.readCount = try environment.int("LOG_INDEXER_READ_COUNT", default: 500, in: 1...10_000)
        self.claimIdle = .seconds(try environment.int("LOG_INDEXER_CLAIM_IDLE_SECONDS", default: 60, in: 1...86400))
        self.readBlock = .milliseconds(try environment.int("LOG_INDEXER_BLOCK_MS", default: 500, in: 1...60_000))
        self.assistantNameTTL = .seconds(try environment.int("ASSISTANT_NAME_CACHE_SECONDS", default: 30, in: 0...86400))
    }

    /// The retention as milliseconds.
    package var retentionMilliseconds: Int64 { Int64(retentionDays) * 86_400_000 }
}
