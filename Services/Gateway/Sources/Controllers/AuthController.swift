import Foundation
import GRDB
import Hummingbird
import RedisStore
import SQLiteStore
import ServiceRuntime
import WireModels

/// `POST /api/auth/login` and `POST /api/auth/logout` for the dashboard.
struct AuthController: Sendable {
    let database: SQLiteDatabase
    let redis: RedisClient
    let jwt: JWTSigner
    let sessions: DashboardSessionStore
    let passwords: PasswordHasher
    let authenticator: Authenticator
    let tokenLifetime: Duration
    let secureCookies: Bool
    /// A bcrypt hash of a random password at the configured cost, checked when the email is unknown.
    let decoyHash: String

    func addRoutes(to router: Router<GatewayRequestContext>) {
        // POST /api/auth/login
        router.post("/api/auth/login") { request, context in
            let body = try await request.decodeJSON(LoginRequest.self, context: context)
            let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
            let found = try await database.read { db -> (UserRecord, OrganizationRecord)? in
                guard let user = try UserRecord.fetchOne(db, sql: "SELECT * FROM users WHERE email = ?", arguments: [email]),
                    let organization = try OrganizationRecord.fetchOne(db, key: user.organizationID)
                else { return nil }
                return (user, organization)
            }
            // Hash even when the user is unknown, so timing does not tell which emails exist.
            let hash = found?.0.passwordHash ?? decoyHash
            let valid = try await passwords.verify(body.password, hash: hash)
            guard valid, let (user, organization) = found, user.isActive else {
                throw APIError.unauthorized("Incorrect email or password")
            }
            let now = Date()
            let lifetime = Int(tokenLifetime.components.seconds)
            let claims = JWTSigner.Claims(
                sub: String(user.id!), org: user.organizationID, iat: Int(now.timeIntervalSince1970),
                exp: Int(now.timeIntervalSince1970) + lifetime, jti: SecretToken.random(count: 22))
            let token = try jwt.sign(claims)
            let cookie = try await sessions.create(userID: user.id!, organizationID: user.organizationID, now: now)
            try await database.write { db in
                try db.execute(sql: "UPDATE users SET last_login_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, user.id!])
            }
            let answer = LoginResponse(
                accessToken: token, expiresIn: lifetime, user: user.response,
                organization: OrganizationSummary(id: Int(organization.id!), name: organization.name))
            let maxAge = Int(sessions.absoluteTimeout.components.seconds)
            return try jsonResponse(answer, headers: [.setCookie: sessionCookie(value: cookie, maxAge: maxAge)])
        }
        // POST /api/auth/logout
        router.post("/api/auth/logout") { request, _ in
            let identity = try await authenticator.authenticate(request)
            switch identity.method {
            case .session(let tokenHash):
                try await sessions.end(tokenHash: tokenHash)
            case .jwt(let id, let expiresAt):
                let remaining = max(1, Int(expiresAt - Date().timeIntervalSince1970) + 1)
                _ = try await redis.command("SET", RedisKey.revokedJWT(id), "1", "EX", String(remaining))
            case .apiKey:
                throw APIError.badRequest("API keys are revoked with DELETE /api/v1/users/me/api-keys/{id}, not logged out")
            }
            // A cookie sent with a bearer request ends too.
            if let token = Authenticator.cookie(Authenticator.sessionCookie, in: request) {
                try await sessions.end(tokenHash: SecretToken.sha256Hex(token))
            }
            return try jsonResponse(["detail": "Logged out"], headers: [.setCookie: sessionCookie(value: "", maxAge: 0)])
        }
    }

    private func sessionCookie(value: String, maxAge: Int) -> String {
        "\(Authenticator.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secureCookies ? "; Secure" : "")
    }
}
