import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceRuntime
import TestSupport
import Testing

@Suite struct ServiceHostTests {
    static func configuration(redisURL: String) throws -> ServiceConfiguration {
        try ServiceConfiguration(
            service: .sender,
            environment: EnvironmentReader([
                "REDIS_URL": redisURL, "INTERNAL_TOKEN": "secret-token",
                "SECRETS_KEY": Data(repeating: 2, count: 32).base64EncodedString(),
            ]))
    }

    static func makeApplication(redisURL: String, access: ServiceHost.Access) throws -> some ApplicationProtocol {
        let host = try ServiceHost(configuration: configuration(redisURL: redisURL), migrations: [], databaseLocation: .memory)
        let router = host.makeRouter(access: access, context: BasicRequestContext.self)
        router.get("/boom") { _, _ -> String in throw CancellationError() }
        router.get("/conflict") { _, _ -> String in throw APIError.conflict("Phone number already registered") }
        router.get("/http-error") { _, _ -> String in throw HTTPError(.badRequest, message: "bad thing") }
        router.post("/decode") { request, context -> String in
            struct Body: Decodable { var name: String }
            return try await request.decode(as: Body.self, context: context).name
        }
        router.get("/webhooks/ping") { _, _ in "pong" }
        return host.makeApplication(router: router)
    }

    @Test func healthAndReadyAnswerWithoutAuthWhenRedisAndSQLiteAreUp() async throws {
        let app = try Self.makeApplication(redisURL: try TestEnvironment.redisURL(), access: .internalToken(publicPathPrefixes: []))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""status":"ok""#))
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains(#""redis":"ok""#))
                #expect(body.contains(#""sqlite":"ok""#))
            }
        }
    }

    @Test func readyIs503NamingRedisWhenRedisIsUnreachable() async throws {
        let app = try Self.makeApplication(redisURL: "redis://127.0.0.1:\(freeTCPPort())/0", access: .open)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body.contains(#""detail":"not ready: redis"#))
                #expect(body.contains(#""sqlite":"ok""#))
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func everyErrorIsRenderedAsDetail() async throws {
        let app = try Self.makeApplication(redisURL: try TestEnvironment.redisURL(), access: .open)
        try await app.test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body) == #"{"detail":"Not Found"}"#)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            try await client.execute(uri: "/conflict", method: .get) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body) == #"{"detail":"Phone number already registered"}"#)
            }
            try await client.execute(uri: "/http-error", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body) == #"{"detail":"bad thing"}"#)
            }
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(String(buffer: response.body) == #"{"detail":"Internal server error"}"#)
            }
            try await client.execute(uri: "/decode", method: .post, body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).hasPrefix(#"{"detail":"#))
            }
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        let app = try Self.makeApplication(redisURL: try TestEnvironment.redisURL(), access: .open)
        try await app.test(.router) { client in
            var ids: Set<String> = []
            for uri in ["/health", "/nowhere", "/health"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let id = response.headers[HTTPField.Name("X-Request-Id")!]
                    #expect(id?.isEmpty == false)
                    if let id { ids.insert(id) }
                }
            }
            #expect(ids.count == 3)
        }
    }

    @Test func internalTokenIsRequiredExceptOnHealthReadyAndPublicPrefixes() async throws {
        let app = try Self.makeApplication(
            redisURL: try TestEnvironment.redisURL(), access: .internalToken(publicPathPrefixes: ["/webhooks/"]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/conflict", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"detail":"Missing or invalid internal token"}"#)
            }
            try await client.execute(uri: "/conflict", method: .get, headers: [HTTPField.Name("X-Internal-Token")!: "secret-tokex"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/conflict", method: .get, headers: [HTTPField.Name("X-Internal-Token")!: "secret-token"]) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/webhooks/ping", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func constantTimeComparisonMatchesEquality() {
        typealias M = InternalTokenMiddleware<BasicRequestContext>
        #expect(M.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!M.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!M.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!M.constantTimeEquals([], Array("a".utf8)))
    }
}
