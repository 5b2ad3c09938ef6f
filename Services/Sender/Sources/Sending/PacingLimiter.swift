import RedisStore
import WireModels

/// Token buckets in Redis, per sending number and per provider account, shared by every sender
/// process (``SenderScripts/pace``).
struct PacingLimiter: Sendable {
    let redis: RedisClient
    let configuration: SenderConfiguration

    /// What ``take(provider:from:accountID:maxWait:)`` decided.
    enum Decision: Equatable {
        /// A slot is reserved in both buckets: send after this wait (zero: now), not before.
        case reserved(wait: Duration)
        /// The next slot is further away than `maxWait`; nothing was taken. Ask again then.
        case full(nextSlotIn: Duration)
    }

    /// How late after its slot a message may still be sent: half the interval between two slots
    /// of the provider's slower enabled bucket (the one that usually decides), and never less than 5 ms.
    func lateness(provider: String) -> Duration {
        let rates = configuration.rates(for: provider)
        let enabled = [rates.perNumber, rates.perAccount].filter { $0 > 0 }
        guard let slowest = enabled.min() else { return .seconds(86_400) }
        return max(.milliseconds(5), .seconds(0.5 / slowest))
    }

    /// Reserves the next slot of both buckets if it is at most `maxWait` away.
    func take(provider: String, from: String, accountID: String, maxWait: Duration) async throws -> Decision {
        let rates = configuration.rates(for: provider)
        if rates.perNumber <= 0 && rates.perAccount <= 0 { return .reserved(wait: .zero) }
        let reply = try await redis.eval(
            SenderScripts.pace,
            keys: [
                RedisKey.numberBucket(from), RedisKey.accountBucket(provider: provider, account: accountID),
            ],
            arguments: [
                String(rates.perNumber), String(rates.perAccount), String(configuration.pacingBurst), String(maxWait.wholeMilliseconds),
            ])
        guard let parts = reply.array, parts.count == 2, let reserved = parts[0].int, let wait = parts[1].int else {
            throw SenderError.unexpectedReply("pace script answered \(reply)")
        }
        return reserved == 1 ? .reserved(wait: .milliseconds(max(0, wait))) : .full(nextSlotIn: .milliseconds(wait))
    }
}
