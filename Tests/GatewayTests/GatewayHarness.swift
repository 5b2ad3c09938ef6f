import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RedisStore
import ServiceRuntime
import TestSupport
import WireModels

@testable import Gateway

/// A gateway over a temp data dir and a real Redis database of its own (the directory resync
/// deletes keys it did not write, so each suite owns one Redis database and runs serialized).
struct GatewayHarness {
    let dataDirectory: URL
    let configuration: GatewayConfiguration
    let logs = LogCapture()
    let redisURL: String

    init(redisDatabase: Int, environment extra: [String: String] = [:]) throws {
        let base = try TestEnvironment.redisURL()
        var redis = try RedisConfiguration(url: base)
        redis.database = redisDatabase
        redisURL = "redis://\(redis.host):\(redis.port)/\(redisDatabase)"
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var environment = [
            "REDIS_URL": redisURL, "DATA_DIR": dataDirectory.path, "INTERNAL_TOKEN": "internal-test-token",
            "SECRETS_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
            "JWT_SECRET": "jwt-test-secret-\(UUID().uuidString)", "BCRYPT_COST": "4",
            "SENDER_URL": "http://127.0.0.1:\(freeTCPPort())", "LOG_INDEXER_URL": "http://127.0.0.1:\(freeTCPPort())",
            "SESSION_MANAGER_URL": "http://127.0.0.1:\(freeTCPPort())",
        ]
        environment.merge(extra) { $1 }
        configuration = try GatewayConfiguration(environment: EnvironmentReader(environment))
    }

    func makeApplication() throws -> some ApplicationProtocol {
        try buildApplication(configuration: configuration, logger: logs.logger(label: "switchboard.gateway"))
    }

    /// A Redis client on the harness's database, standing in for another process.
    func redisClient() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: logs.logger(label: "test.redis"))
    }

    /// Creates an organization with an admin user and an API key, as `gateway bootstrap` does.
    func bootstrap(
        organization: String = "Org \(UUID().uuidString.prefix(8))", email: String = "admin-\(UUID().uuidString.prefix(8))@example.com",
        password: String = "correct horse battery"
    ) async throws -> Tenant {
        let result = try await GatewayBootstrap.run(
            try GatewayBootstrap.Arguments(["--organization", organization, "--email", email, "--password", password]),
            configuration: configuration)
        return Tenant(organizationID: result.organizationID, userID: result.userID, apiKey: result.apiKey, email: email, password: password)
    }

    /// A random E.164 number unlikely to clash with another test's.
    static func randomNumber() -> String { "+1555" + String(Int.random(in: 1_000_000...9_999_999)) }
}

/// A bootstrapped organization.
struct Tenant: Sendable {
    var organizationID: Int
    var userID: Int
    var apiKey: String
    var email: String
    var password: String
}

/// A decoded test response.
struct Reply {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.utf8))
    }

    var detail: String? { (try? json(ErrorDetail.self))?.detail }
}

extension TestClientProtocol {
    /// Sends a request with an optional bearer token, cookie and JSON body.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, cookie: String? = nil, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let cookie { headers[.cookie] = cookie }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}
