import AsyncHTTPClient
import Foundation
import Gateway
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ProviderSandboxKit
import RedisStore
import ServiceLifecycle
import Sender
import ServiceRuntime
import TestSupport
import WebhookIngest
import WireModels

/// The gateway, the sender, webhook-ingest and the provider sandbox, each live on its own loopback
/// port against Redis database 12, with a bootstrapped organization that owns one number per
/// provider.
struct Stack: Sendable {
    static let redisDatabase = 12
    let ports = (gateway: freeTCPPort(), sender: freeTCPPort(), ingest: freeTCPPort(), sandbox: freeTCPPort())
    let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-e2e-\(UUID().uuidString)")
    let redisURL: String
    let environment: [String: String]
    let sandboxState: SandboxState
    let numbers: [String: String]
    let twilio = (sid: "AC" + String(repeating: "b", count: 32), token: "e2e-twilio-token")
    let telnyxKey = "KEYe2etelnyx"
    let vonage = (key: "e2evk", secret: "e2e-vonage-secret", signature: "e2e-vonage-signature-secret")
    let sandboxSeed = (0..<32).map { _ in UInt8.random(in: 0...255) }

    init(environment overrides: [String: String] = [:]) throws {
        var redis = try RedisConfiguration(url: try TestEnvironment.redisURL())
        redis.database = Self.redisDatabase
        redisURL = "redis://\(redis.host):\(redis.port)/\(Self.redisDatabase)"
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let base = Int.random(in: 1_000_000...9_999_999)
        numbers = ["twilio": "+1666\(base)", "telnyx": "+1667\(base)", "vonage": "+1668\(base)"]
        var environment = [
            "REDIS_URL": redisURL, "DATA_DIR": dataDirectory.path, "INTERNAL_TOKEN": "e2e-internal",
            "SECRETS_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
            "JWT_SECRET": "e2e-jwt", "BCRYPT_COST": "4", "LOG_LEVEL": "warning",
            "SENDER_URL": "http://127.0.0.1:\(ports.sender)", "WEBHOOK_PUBLIC_URL": "http://127.0.0.1:\(ports.ingest)",
            "TWILIO_API_BASE": "http://127.0.0.1:\(ports.sandbox)", "TELNYX_API_BASE": "http://127.0.0.1:\(ports.sandbox)",
            "VONAGE_API_BASE": "http://127.0.0.1:\(ports.sandbox)", "SEND_BACKOFF_BASE_MS": "20", "SEND_BACKOFF_MAX_MS": "200",
        ]
        for provider in RedisKey.providers {
            environment["\(provider.uppercased())_RATE_PER_NUMBER"] = "0"
            environment["\(provider.uppercased())_RATE_PER_ACCOUNT"] = "0"
        }
        environment.merge(overrides) { _, override in override }
        self.environment = environment
        sandboxState = SandboxState(
            configuration: SandboxConfiguration(
                port: ports.sandbox, callbackDelay: .milliseconds(20),
                accounts: [
                    .twilio(accountSID: twilio.sid, authToken: twilio.token), .telnyx(apiKey: telnyxKey),
                    .vonage(apiKey: vonage.key, apiSecret: vonage.secret, signatureSecret: vonage.signature),
                ],
                telnyxPrivateKeySeed: sandboxSeed, logLevel: .warning))
    }

    func env(_ port: Int) -> EnvironmentReader {
        var values = environment
        values["HTTP_PORT"] = String(port)
        return EnvironmentReader(values)
    }

    /// Runs the four processes while `body` runs, with a fresh organization set up.
    func run(_ body: @Sendable (Tenant) async throws -> Void) async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: Logger(label: "e2e"))
        _ = try await redis.command("FLUSHDB")
        await redis.shutdown()
        var logger = Logger(label: "e2e")
        logger.logLevel = .warning
        let gateway = try Gateway.buildApplication(configuration: try GatewayConfiguration(environment: env(ports.gateway)), logger: logger)
        let sender = try Sender.buildApplication(configuration: try SenderConfiguration(environment: env(ports.sender)))
        let ingest = try WebhookIngest.buildApplication(
            configuration: try WebhookIngestConfiguration(environment: env(ports.ingest)), logger: logger)
        let sandbox = buildSandboxApplication(configuration: sandboxState.configuration, state: sandboxState)
        // One ServiceGroup, shut down gracefully at the end as SIGTERM would: in-flight work drains.
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: sandbox), .init(service: ingest), .init(service: sender), .init(service: gateway)],
            gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                for port in [ports.gateway, ports.sender, ports.ingest, ports.sandbox] {
                    try await waitUntilUp("http://127.0.0.1:\(port)/health")
                }
                let tenant = try await setUp()
                try await body(tenant)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Bootstraps an organization with the sandbox's credentials, an assistant and three numbers.
    func setUp(registerNumbers: Bool = true) async throws -> Tenant {
        let result = try await GatewayBootstrap.run(
            try GatewayBootstrap.Arguments(["--organization", "E2E \(UUID().uuidString.prefix(6))", "--email", "e2e-\(UUID().uuidString.prefix(6))@example.com", "--password", "e2e-password"]),
            configuration: try GatewayConfiguration(environment: env(ports.gateway)))
        var tenant = Tenant(organizationID: result.organizationID, apiKey: result.apiKey)
        let publicKey = sandboxState.telnyxPublicKeyBase64
        _ = try await call(
            .PUT, "/api/v1/organization", tenant,
            #"{"twilio_account_sid":"\#(twilio.sid)","twilio_auth_token":"\#(twilio.token)","telnyx_api_key":"\#(telnyxKey)","telnyx_public_key":"\#(publicKey)","vonage_api_key":"\#(vonage.key)","vonage_api_secret":"\#(vonage.secret)","vonage_signature_secret":"\#(vonage.signature)"}"#)
        let assistant = try await call(.POST, "/api/v1/assistants", tenant, #"{"name":"E2E bot"}"#)
        let assistantID = try requireIntHelper(assistant.1, key: "id")
        tenant.assistantID = assistantID
        for (provider, number) in numbers where registerNumbers {
            let created = try await call(
                .POST, "/api/v1/phone-numbers", tenant, #"{"phone_number":"\#(number)","provider":"\#(provider)","assistant_id":\#(assistantID)}"#)
            guard created.0 == 201 else { throw StackError("phone number not created: \(created)") }
        }
        return tenant
    }

    /// Calls the gateway; returns status, body and headers.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ tenant: Tenant?, _ body: String? = nil, headers: [(String, String)] = [])
        async throws -> (Int, String)
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(ports.gateway)\(path)")
        request.method = method
        if let tenant { request.headers.add(name: "Authorization", value: "Bearer \(tenant.apiKey)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    private func waitUntilUp(_ url: String) async throws {
        for _ in 0..<200 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StackError("\(url) did not come up")
    }

    /// Polls `condition` for up to `timeout`.
    func eventually(_ timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

struct Tenant: Sendable {
    var organizationID: Int
    var apiKey: String
    var assistantID = 0
}

struct StackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The integer at `key` of a JSON object.
func jsonInt(_ json: String, key: String) -> Int? {
    (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?[key] as? Int
}

func jsonString(_ json: String, key: String) -> String? {
    (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?[key] as? String
}

func requireIntHelper(_ json: String, key: String) throws -> Int {
    guard let value = jsonInt(json, key: key) else { throw StackError("no integer \(key) in \(json)") }
    return value
}

/// The objects of a JSON array.
func jsonArray(_ json: String) -> [[String: Any]]? {
    (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[String: Any]]
}
