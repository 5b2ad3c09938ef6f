import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WireModels

@testable import Gateway

@Suite(.serialized) struct AuthTests {
    static let redisDatabase = 1

    @Test func loginReturnsABearerJWTAndAnHttpOnlySessionCookieThatBothAuthenticate() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            let login = try await client.send(.post, "/api/auth/login", json: #"{"email":"\#(tenant.email.uppercased())","password":"\#(tenant.password)"}"#)
            #expect(login.status == .ok)
            let body = try login.json(LoginResponse.self)
            #expect(body.tokenType == "bearer")
            #expect(body.expiresIn == 86_400)
            #expect(body.user.id == tenant.userID)
            #expect(body.organization.id == tenant.organizationID)
            #expect(!login.body.contains("password"))
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let sessionCookie = String(cookie.split(separator: ";")[0])

            #expect(try await client.send(.get, "/api/v1/organization", token: body.accessToken).status == .ok)
            #expect(try await client.send(.get, "/api/v1/organization", cookie: sessionCookie).status == .ok)
            #expect(try await client.send(.get, "/api/v1/organization", token: tenant.apiKey).status == .ok)
        }
    }

    @Test func wrongPasswordAndUnknownEmailGetTheSame401() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            let wrong = try await client.send(.post, "/api/auth/login", json: #"{"email":"\#(tenant.email)","password":"nope-nope-nope"}"#)
            let unknown = try await client.send(.post, "/api/auth/login", json: #"{"email":"ghost@example.com","password":"whatever12"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.detail == "Incorrect email or password")
            #expect(unknown.detail == wrong.detail)
            #expect(wrong.headers[.setCookie] == nil)
            let missing = try await client.send(.post, "/api/auth/login", json: #"{"email":"\#(tenant.email)"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.detail == "Field required: password")
        }
    }

    @Test func everyAPIRouteRefusesMissingOrBadCredentialsWith401Detail() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        _ = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/v1/organization"), (.put, "/api/v1/organization"), (.get, "/api/v1/users/me/api-keys"),
                (.post, "/api/v1/users/me/api-keys"), (.delete, "/api/v1/users/me/api-keys/1"), (.get, "/api/v1/assistants"),
                (.post, "/api/v1/assistants"), (.get, "/api/v1/assistants/1"), (.put, "/api/v1/assistants/1"),
                (.patch, "/api/v1/assistants/1"), (.delete, "/api/v1/assistants/1"), (.get, "/api/v1/phone-numbers"),
                (.post, "/api/v1/phone-numbers"), (.get, "/api/v1/phone-numbers/1"), (.patch, "/api/v1/phone-numbers/1"),
                (.delete, "/api/v1/phone-numbers/1"), (.get, "/api/v1/sms-logs/"), (.get, "/api/v1/sms-conversations/"),
                (.get, "/api/v1/calls"), (.get, "/sms/queue/stats"), (.get, "/sms/abc/status"), (.delete, "/sms/abc"),
            ]
            for (method, path) in routes {
                for token in [nil, "sb_not-a-real-key", "not.a.jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."] as [String?] {
                    let reply = try await client.send(method, path, token: token)
                    #expect(reply.status == .unauthorized, "\(method) \(path) with \(token ?? "nothing") answered \(reply.status)")
                    #expect(reply.detail != nil)
                }
                let basic = try await client.send(method, path, headers: [.authorization: "Basic dXNlcjpwYXNz"])
                #expect(basic.status == .unauthorized)
                let cookie = try await client.send(method, path, cookie: "sb_session=forged")
                #expect(cookie.status == .unauthorized)
            }
        }
    }

    @Test func expiredTamperedAndForeignlySignedJWTsGet401() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let signer = JWTSigner(secret: harness.configuration.jwtSecret)
        let now = Int(Date().timeIntervalSince1970)
        func claims(exp: Int) -> JWTSigner.Claims {
            .init(sub: String(tenant.userID), org: Int64(tenant.organizationID), iat: now - 100, exp: exp, jti: UUID().uuidString)
        }
        let valid = try signer.sign(claims(exp: now + 600))
        let expired = try signer.sign(claims(exp: now - 1))
        let foreign = try JWTSigner(secret: "someone-else").sign(claims(exp: now + 600))
        var parts = valid.split(separator: ".").map(String.init)
        parts[1] = JWTSigner.base64URL(Data(#"{"sub":"\#(tenant.userID)","org":999,"iat":1,"exp":9999999999,"jti":"x"}"#.utf8))
        let tampered = parts.joined(separator: ".")
        try await harness.makeApplication().test(.router) { client in
            #expect(try await client.send(.get, "/api/v1/organization", token: valid).status == .ok)
            for token in [expired, foreign, tampered] {
                let reply = try await client.send(.get, "/api/v1/organization", token: token)
                #expect(reply.status == .unauthorized)
                #expect(reply.detail == "Invalid or expired token")
            }
        }
    }

    @Test func logoutEndsTheSessionCookieAndRevokesTheJWT() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            let credentials = #"{"email":"\#(tenant.email)","password":"\#(tenant.password)"}"#
            let first = try await client.send(.post, "/api/auth/login", json: credentials)
            let cookie = String(try #require(first.headers[.setCookie]).split(separator: ";")[0])
            let logout = try await client.send(.post, "/api/auth/logout", cookie: cookie)
            #expect(logout.status == .ok)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.send(.get, "/api/v1/organization", cookie: cookie).status == .unauthorized)

            let second = try await client.send(.post, "/api/auth/login", json: credentials)
            let jwt = try second.json(LoginResponse.self).accessToken
            #expect(try await client.send(.post, "/api/auth/logout", token: jwt).status == .ok)
            #expect(try await client.send(.get, "/api/v1/organization", token: jwt).status == .unauthorized)
            #expect(try await client.send(.post, "/api/auth/logout").status == .unauthorized)
        }
    }

    @Test func sessionEndsAfterItsAbsoluteTimeoutEvenWhenActive() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let redis = try harness.redisClient()
        let store = DashboardSessionStore(redis: redis, idleTimeout: .seconds(120), absoluteTimeout: .seconds(600))
        let start = Date()
        let token = try await store.create(userID: 1, organizationID: 1, now: start)
        #expect(try await store.resume(token: token, now: start.addingTimeInterval(300)) != nil)
        #expect(try await store.resume(token: token, now: start.addingTimeInterval(601)) == nil)
        #expect(try await store.resume(token: token, now: start.addingTimeInterval(10)) == nil, "an expired session is deleted")
        await redis.shutdown()
    }

    @Test func sessionIdleTimeoutSlidesOnUse() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let redis = try harness.redisClient()
        let store = DashboardSessionStore(redis: redis, idleTimeout: .seconds(120), absoluteTimeout: .seconds(600))
        let token = try await store.create(userID: 1, organizationID: 1)
        let key = "sb:auth:session:\(SecretToken.sha256Hex(token))"
        _ = try await redis.command("EXPIRE", key, "5")
        _ = try await store.resume(token: token)
        let ttl = try #require(try await redis.command("TTL", key).int)
        #expect(ttl > 100 && ttl <= 120)
        _ = try await redis.command("DEL", key)
        #expect(try await store.resume(token: token) == nil, "an idle-expired session is gone")
        await redis.shutdown()
    }

    @Test func revokedAPIKeyIsRefusedAtOnce() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            let created = try await client.send(.post, "/api/v1/users/me/api-keys", token: tenant.apiKey, json: #"{"name":"ci"}"#)
            #expect(created.status == .created)
            let key = try created.json(CreatedAPIKeyResponse.self)
            #expect(key.key.hasPrefix("sb_"))
            #expect(key.key.hasPrefix(key.apiKey.keyPrefix))
            #expect(try await client.send(.get, "/api/v1/organization", token: key.key).status == .ok)
            #expect(try await client.send(.delete, "/api/v1/users/me/api-keys/\(key.apiKey.id)", token: tenant.apiKey).status == .noContent)
            let refused = try await client.send(.get, "/api/v1/organization", token: key.key)
            #expect(refused.status == .unauthorized)
            #expect(refused.detail == "Invalid API key")
            #expect(try await client.send(.delete, "/api/v1/users/me/api-keys/\(key.apiKey.id)", token: tenant.apiKey).status == .notFound)
        }
    }

    @Test func apiKeyOverItsPerMinuteLimitGets429WithRetryAfter() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase, environment: ["API_KEY_RATE_LIMIT_PER_MINUTE": "5"])
        let tenant = try await harness.bootstrap()
        // Key ids restart with every test database; forget earlier tests' counters.
        let redis = try harness.redisClient()
        for key in try await redis.command("KEYS", "sb:ratelimit:*").array?.compactMap(\.string) ?? [] {
            _ = try await redis.command("DEL", key)
        }
        await redis.shutdown()
        try await harness.makeApplication().test(.router) { client in
            var passed = 0
            var limited: Reply?
            for _ in 0..<12 {
                let reply = try await client.send(.get, "/api/v1/organization", token: tenant.apiKey)
                if reply.status == .tooManyRequests {
                    limited = reply
                    break
                }
                #expect(reply.status == .ok)
                passed += 1
            }
            let reply = try #require(limited)
            // Five per window; a window that rolls over mid-test lets up to five more through.
            #expect(passed >= 5 && passed <= 10)
            let retryAfter = try #require(reply.headers[.retryAfter].flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            #expect(reply.detail?.contains("Rate limit") == true)
        }
    }

    @Test func lastUsedAtIsRecordedWithoutAWritePerRequest() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let database = harness.dataDirectory.appendingPathComponent("gateway.sqlite").path
        try await harness.makeApplication().test(.router) { client in
            for _ in 0..<20 { _ = try await client.send(.get, "/api/v1/organization", token: tenant.apiKey) }
            let stored = try sqliteScalar(database, "SELECT last_used_at FROM api_keys WHERE name = 'bootstrap'")
            #expect(stored == nil, "twenty requests wrote nothing yet")
            let list = try await client.send(.get, "/api/v1/users/me/api-keys", token: tenant.apiKey)
            let keys = try list.json([APIKeyResponse].self)
            #expect(keys.count == 1)
            #expect(keys[0].lastUsedAt != nil, "the listing shows the unwritten use")
            #expect(list.headers[HTTPField.Name("X-Total-Count")!] == "1")
            #expect(!list.body.contains(tenant.apiKey))
        }
        // Graceful shutdown flushed the use in one write.
        #expect(try sqliteScalar(database, "SELECT last_used_at FROM api_keys WHERE name = 'bootstrap'") != nil)
    }

    @Test func bootstrapRefusesADuplicateEmailOrOrganization() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap(organization: "Acme Unique", email: "dup@example.com")
        await #expect(throws: BootstrapError.self) { _ = try await harness.bootstrap(organization: "Other", email: "DUP@example.com") }
        await #expect(throws: BootstrapError.self) { _ = try await harness.bootstrap(organization: "acme unique", email: "x@example.com") }
        await #expect(throws: BootstrapError.self) { _ = try await harness.bootstrap(email: "not-an-email") }
        await #expect(throws: BootstrapError.self) { _ = try await harness.bootstrap(password: "short") }
        #expect(tenant.apiKey.hasPrefix("sb_"))
        #expect(throws: BootstrapError.self) { try GatewayBootstrap.Arguments(["--organization", "x", "--email"]) }
        #expect(throws: BootstrapError.self) { try GatewayBootstrap.Arguments(["--organization", "x", "--email", "e", "--pass", "p"]) }
        #expect(try GatewayBootstrap.Arguments(["--organization=A b", "--email", "e@x.io", "--password=p=q"]).password == "p=q")
    }
}

/// Reads one value straight from a SQLite file through a connection of its own, so the test sees
/// what is on disk, not what the app holds in memory.
func sqliteScalar(_ path: String, _ sql: String) throws -> String? {
    let queue = try DatabaseQueue(path: path)
    return try queue.read { db in try String.fetchOne(db, sql: sql) }
}
