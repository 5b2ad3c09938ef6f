import Foundation
import ServiceRuntime
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

    /// The Redis key counting `keyID`'s requests in the window of `now`.
    func windowKey(keyID: Int64, now: Date = Date()) -> String {
        RedisKey.apiKeyRate(keyID: Int(keyID), minute: Int(now.timeIntervalSince1970) / 60)
    }

    /// Seconds until the window of `now` ends (at least 1).
    static func retryAfter(now: Date = Date()) -> Int {
        max(1, 60 - Int(now.timeIntervalSince1970) % 60)
    }

    /// The 429 for a key over its limit.
    func exceeded(retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, "Rate limit exceeded: \(limitPerMinute) requests per minute", headers: [.retryAfter: String(retryAfter)])
    }

    /// Seconds until the window resets when the key is over its limit, nil when allowed.
    func check(keyID: Int64, now: Date = Date()) async -> Int? {
        guard limitPerMinute > 0 else { return nil }
        let key = windowKey(keyID: keyID, now: now)
        do {
            let replies = try await redis.pipeline([["SET", key, "0", "EX", "70", "NX"], ["INCR", key]])
            guard let count = replies.last?.int else { return nil }
            return count > limitPerMinute ? Self.retryAfter(now: now) : nil
        } catch {
            // Fail open: an outage of the limiter must not take the API down with it.
            logger.warning("rate limiter unavailable", metadata: ["sb.error": "\(error)"])
            return nil
        }
    }
}
