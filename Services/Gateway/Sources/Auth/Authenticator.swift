import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import RedisStore
import SQLiteStore
import ServiceRuntime
import WireModels

/// Turns a request's credentials (API key, JWT or dashboard cookie) into an `AuthIdentity`.
struct Authenticator: Sendable {
    static let sessionCookie = "sb_session"

    let database: SQLiteDatabase
    let redis: RedisClient
    let jwt: JWTSigner
    let sessions: DashboardSessionStore
    let usage: APIKeyUsageRecorder
    let rateLimiter: RateLimiter
    let apiKeys: APIKeyCache

    /// The caller of `request`; throws 401 when it carries no valid credential and 429 when an API
    /// key is over its rate limit. With `deferRateLimit` the API-key limit is left to the route
    /// (`POST /sms/send` counts it inside its enqueue script, saving a Redis round trip).
    func authenticate(_ request: Request, deferRateLimit: Bool = false) async throws -> AuthIdentity {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError.unauthorized("Invalid authentication credentials")
            }
            let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
            return token.hasPrefix("sb_") ? try await apiKey(token, deferRateLimit: deferRateLimit) : try await bearerJWT(token)
        }
        if let token = Self.cookie(Self.sessionCookie, in: request) {
            guard let (session, hash) = try await sessions.resume(token: token),
                try await activeUser(session.userID, organizationID: session.organizationID)
            else { throw APIError.unauthorized("Session expired or invalid") }
            return AuthIdentity(organizationID: session.organizationID, userID: session.userID, method: .session(tokenHash: hash))
        }
        throw APIError.unauthorized("Not authenticated")
    }

    private func apiKey(_ key: String, deferRateLimit: Bool) async throws -> AuthIdentity {
        let hash = SecretToken.sha256Hex(key)
        let found: (keyID: Int64, organizationID: Int64, userID: Int64)?
        if let cached = apiKeys.lookup(hash: hash) {
            found = (cached.keyID, cached.organizationID, cached.userID)
        } else {
            found = try await lookUpAPIKey(hash: hash)
            if let found { apiKeys.store(hash: hash, keyID: found.keyID, organizationID: found.organizationID, userID: found.userID) }
        }
        guard let found else { throw APIError.unauthorized("Invalid API key") }
        let keyID = found.keyID
        if !deferRateLimit, let retryAfter = await rateLimiter.check(keyID: keyID) {
            throw rateLimiter.exceeded(retryAfter: retryAfter)
        }
        usage.record(keyID: keyID)
        return AuthIdentity(organizationID: found.organizationID, userID: found.userID, method: .apiKey(id: keyID))
    }

    private func lookUpAPIKey(hash: String) async throws -> (keyID: Int64, organizationID: Int64, userID: Int64)? {
        try await database.read { db -> (keyID: Int64, organizationID: Int64, userID: Int64)? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT k.id, k.organization_id, k.user_id FROM api_keys k JOIN users u ON u.id = k.user_id
                        WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.is_active = 1
                        """, arguments: [hash])
            else { return nil }
            return (row["id"], row["organization_id"], row["user_id"])
        }
    }

    private func bearerJWT(_ token: String) async throws -> AuthIdentity {
        guard let claims = jwt.verify(token), let userID = Int64(claims.sub) else {
            throw APIError.unauthorized("Invalid or expired token")
        }
        let revoked = try await redis.command("EXISTS", RedisKey.revokedJWT(claims.jti)).int ?? 0
        guard revoked == 0, try await activeUser(userID, organizationID: claims.org) else {
            throw APIError.unauthorized("Invalid or expired token")
        }
        return AuthIdentity(organizationID: claims.org, userID: userID, method: .jwt(id: claims.jti, expiresAt: Double(claims.exp)))
    }

    private func activeUser(_ userID: Int64, organizationID: Int64) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM users WHERE id = ? AND organization_id = ? AND is_active = 1",
                arguments: [userID, organizationID]) ?? false
        }
    }

    /// The value of cookie `name`, if the request carries it.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}
