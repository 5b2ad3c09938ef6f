import RedisStore
import WireModels

/// Token buckets in Redis, per sending number and per provider account, shared by every sender
/// process (``SenderScripts/pace``).
struct PacingLimiter: Sendable {
    let redis: RedisClient
    let configuration: SenderConfiguration

    /// Takes a token from both buckets; returns nil when taken, or how long to wait before asking again.
    func take(provider: String, from: String, accountID: String) async throws -> Duration? {
        let rates = configuration.rates(for: provider)
        if rates.perNumber <= 0 && rates.perAccount <= 0 { return nil }
        let reply = try await redis.eval(
            SenderScripts.pace,
            keys: [
                RedisKey.numberBucket(from), RedisKey.accountBucket(provider: provider, account: accountID),
            ],
            arguments: [String(rates.perNumber), String(rates.perAccount), String(configuration.pacingBurst)])
        guard let wait = reply.int else { throw SenderError.unexpectedReply("pace script answered \(reply)") }
        return wait > 0 ? .milliseconds(wait) : nil
    }
}
