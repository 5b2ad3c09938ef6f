import Foundation
import RedisStore
import WireModels

/// Dashboard sessions in Redis, keyed by the SHA-256 of the cookie token (the token itself is
/// never stored). A session ends after `idleTimeout` without use or `absoluteTimeout` after login,
/// whichever comes first.
struct DashboardSessionStore: Sendable {
    struct Session: Codable, Sendable {
        var userID: Int64
        var organizationID: Int64
        var createdAt: Double

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case organizationID = "organization_id"
            case createdAt = "created_at"
        }
    }

    let redis: RedisClient
    let idleTimeout: Duration
    let absoluteTimeout: Duration

    /// Starts a session and returns the cookie token.
    func create(userID: Int64, organizationID: Int64, now: Date = Date()) async throws -> String {
        let token = SecretToken.random(count: 43)
        let session = Session(userID: userID, organizationID: organizationID, createdAt: now.timeIntervalSince1970)
        let json = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        let ttl = min(idleTimeout, absoluteTimeout).components.seconds
        _ = try await redis.command("SET", RedisKey.dashboardSession(tokenHash: SecretToken.sha256Hex(token)), json, "EX", String(ttl))
        return token
    }

    /// The live session of a cookie token, refreshing its idle timeout; nil when unknown or expired.
    func resume(token: String, now: Date = Date()) async throws -> (Session, tokenHash: String)? {
        let hash = SecretToken.sha256Hex(token)
        let key = RedisKey.dashboardSession(tokenHash: hash)
        let age = { (session: Session) in now.timeIntervalSince1970 - session.createdAt }
        let absolute = Double(absoluteTimeout.components.seconds)
        // GETEX reads and slides the idle timeout in one round trip; the absolute limit is checked here.
        guard let json = try await redis.command("GETEX", key, "EX", String(idleTimeout.components.seconds)).string,
            let session = try? JSONDecoder().decode(Session.self, from: Data(json.utf8))
        else { return nil }
        guard age(session) < absolute else {
            _ = try await redis.command("DEL", key)
            return nil
        }
        return (session, hash)
    }

    /// Ends a session.
    func end(tokenHash: String) async throws {
        _ = try await redis.command("DEL", RedisKey.dashboardSession(tokenHash: tokenHash))
    }
}
