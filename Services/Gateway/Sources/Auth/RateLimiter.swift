import Foundation
import Logging
import RedisStore
import WireModels

/// Per-API-key request limit over fixed one-minute windows, counted in Redis so every gateway
/// replica shares it. One pipelined round trip per request.
struct RateLimiter: Sendable {
    /// Requests per minute per key; 0 turns limiting off.
    let limitPerMinute: Int
    let redis: RedisClient
    let logger: Logger

    /// Seconds until the window resets when the key is over its limit, nil when allowed.
    func check(keyID: Int64, now: Date = Date()) async -> Int? {
        guard limitPerMinute > 0 else { return nil }
        let seconds = Int(now.timeIntervalSince1970)
        let key = RedisKey.apiKeyRate(keyID: Int(keyID), minute: seconds / 60)
        do {
            let replies = try await redis.pipeline([["SET", key, "0", "EX", "70", "NX"], ["INCR", key]])
            guard let count = replies.last?.int else { return nil }
            return count > limitPerMinute ? max(1, 60 - seconds % 60) : nil
        } catch {
            // Fail open: an outage of the limiter must not take the API down with it.
            logger.warning("rate limiter unavailable", metadata: ["sb.error": "\(error)"])
            return nil
        }
    }
}
