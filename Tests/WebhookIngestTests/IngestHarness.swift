import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ProviderSandboxKit
import RedisStore
import ServiceRuntime
import TestSupport
import WireModels

@testable import WebhookIngest

/// webhook-ingest live on a loopback port, the provider sandbox beside it, and a directory in
/// Redis database 11 that says who owns the test numbers (as the gateway would publish it).
struct IngestHarness: Sendable {
    static let redisDatabase = 11
    let port = freeTCPPort()
    let sandboxPort = freeTCPPort()
    let dataDirectory: URL
    let configuration: WebhookIngestConfiguration
    let secretsKey: [UInt8]
    let redisURL: String
    let organizationID = Int.random(in: 100_000...999_999)
    let assistantID = Int.random(in: 100_000...999_999)
    /// One number per provider, owned by the organization.
    let numbers: [String: String]
    let twilio = (sid: "AC" + String(repeating: "a", count: 32), token: "twilio-token-\(UUID().uuidString.prefix(6))")
    let vonage = (
        key: "vk\(Int.random(in: 1000...9999))", secret: "vsecret", signature: "vsig-\(UUID().uuidString.prefix(6))"
    )
    let telnyxKey = "KEYtelnyx"
    let sandboxSeed = (0..<32).map { _ in UInt8.random(in: 0...255) }

    init(environment extra: [String: String] = [:]) throws {
        var redis = try RedisConfiguration(url: try TestEnvironment.redisURL())
        redis.database = Self.redisDatabase
        redisURL = "redis://\(redis.host):\(redis.port)/\(Self.redisDatabase)"
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        secretsKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let base = Int.random(in: 1_000_000...9_999_999)
        numbers = ["twilio": "+1556\(base)", "telnyx": "+1557\(base)", "vonage": "+1558\(base)"]
        var environment = [
            "REDIS_URL": redisURL, "DATA_DIR": dataDirectory.path, "INTERNAL_TOKEN": "internal",
            "SECRETS_KEY": Data(secretsKey).base64EncodedString(), "HTTP_PORT": String(port),
            "WEBHOOK_PUBLIC_URL": "http://127.0.0.1:\(port)",
        ]
        environment.merge(extra) { $1 }
        configuration = try WebhookIngestConfiguration(environment: EnvironmentReader(environment))
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var sandboxURL: String { "http://127.0.0.1:\(sandboxPort)" }

    func redisClient() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: Logger(label: "test.redis"))
    }

    var sandboxPublicKey: String {
        (try! Curve25519.Signing.PrivateKey(rawRepresentation: sandboxSeed)).publicKey.rawRepresentation
            .base64EncodedString()
    }

    /// Publishes the organization and its numbers to the directory, as the gateway does.
    func publishDirectory(telnyxPublicKey: String? = nil) async throws {
        let redis = try redisClient()
        _ = try await redis.command(
            "SET", RedisKey.directoryOrganization(organizationID),
            try organizationJSON(telnyxPublicKey: telnyxPublicKey))
        for (provider, number) in numbers {
            let entry = DirectoryPhoneNumber(
                phoneNumber: number, phoneNumberID: 1, organizationID: organizationID, provider: provider,
                assistantID: assistantID,
                smsWebhookURL: nil, assistantActive: true)
            _ = try await redis.command("SET", RedisKey.directoryNumber(number), try json(entry))
        }
        await redis.shutdown()
    }

    /// The organization's directory entry, with its credentials sealed; `secret` replaces the
    /// Twilio auth token and the Vonage signature secret.
    func organizationJSON(telnyxPublicKey: String? = nil, secret: String? = nil) throws -> String {
        let credentials = OrganizationCredentials(
            twilioAccountSID: twilio.sid, twilioAuthToken: secret ?? twilio.token, telnyxAPIKey: telnyxKey,
            telnyxPublicKey: telnyxPublicKey ?? sandboxPublicKey, vonageAPIKey: vonage.key,
            vonageAPISecret: vonage.secret,
            vonageSignatureSecret: secret ?? vonage.signature)
        let organization = DirectoryOrganization(
            organizationID: organizationID, name: "Ingest test",
            sealedCredentials: try SecretBox(key: secretsKey).sealJSON(credentials))
        return try json(organization)
    }

    /// Changes the directory as the gateway's `DirectoryPublisher` does: the commands and an
    /// `INCR` of `sb:dir:version` in one `MULTI`/`EXEC`.
    func changeDirectory(_ commands: [[String]]) async throws {
        let redis = try redisClient()
        let replies = try await redis.pipeline(
            [["MULTI"]] + commands + [["INCR", RedisKey.directoryVersion], ["EXEC"]])
        await redis.shutdown()
        if let error = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.server(error) }
    }

    /// Rotates the organization's Twilio auth token and Vonage signature secret to `secret`
    /// through the directory.
    func rotateCredentials(to secret: String) async throws {
        try await changeDirectory([
            ["SET", RedisKey.directoryOrganization(organizationID), try organizationJSON(secret: secret)]
        ])
    }

    /// Takes the provider's number out of the directory.
    func removeNumber(of provider: String) async throws {
        try await changeDirectory([["DEL", RedisKey.directoryNumber(numbers[provider]!)]])
    }

    func sandboxConfiguration(callbackDelay: Duration = .milliseconds(50)) -> SandboxConfiguration {
        SandboxConfiguration(
            port: sandboxPort, callbackDelay: callbackDelay,
            accounts: [
                .twilio(accountSID: twilio.sid, authToken: twilio.token), .telnyx(apiKey: telnyxKey),
                .vonage(apiKey: vonage.key, apiSecret: vonage.secret, signatureSecret: vonage.signature),
            ],
            telnyxPrivateKeySeed: sandboxSeed, logLevel: .warning)
    }

    /// Runs webhook-ingest and the sandbox on their ports while `body` runs.
    func run<T: Sendable>(callbackDelay: Duration = .milliseconds(50), _ body: @Sendable () async throws -> T)
        async throws -> T
    {
        var logger = Logger(label: "switchboard.webhook-ingest")
        logger.logLevel = .warning
        let ingest = try buildApplication(configuration: configuration, logger: logger)
        let sandbox = buildSandboxApplication(configuration: sandboxConfiguration(callbackDelay: callbackDelay))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await ingest.run()
                return nil
            }
            group.addTask {
                try await sandbox.run()
                return nil
            }
            try await waitUntilUp("\(baseURL)/health")
            try await waitUntilUp("\(sandboxURL)/health")
            let result = try await body()
            group.cancelAll()
            return result
        }
    }

    private func waitUntilUp(_ url: String) async throws {
        for _ in 0..<100 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError.unexpectedReply("\(url) did not come up")
    }

    /// Every event on `sms:events` about one provider message id.
    func events(providerMessageID: String) async throws -> [MessageEvent] {
        try await allEvents().filter { $0.providerMessageID == providerMessageID }
    }

    /// Every event about this harness's organization or numbers, whatever other suites publish
    /// in the same database meanwhile.
    func ownEvents() async throws -> [MessageEvent] {
        let ours = Set(numbers.values)
        return try await allEvents().filter { event in
            event.organizationID == organizationID || event.to.map(ours.contains) == true
                || event.from.map(ours.contains) == true
        }
    }

    func allEvents() async throws -> [MessageEvent] {
        let redis = try redisClient()
        defer { Task { await redis.shutdown() } }
        let entries = try await redis.command("XRANGE", RedisKey.events, "-", "+").array ?? []
        return entries.compactMap { entry -> MessageEvent? in
            guard let fields = entry.array?.last?.array, fields.count == 2, let json = fields[1].string else {
                return nil
            }
            return try? JSONDecoder().decode(MessageEvent.self, from: Data(json.utf8))
        }
    }

    /// Polls until `condition` holds for the events of a provider message id, or 5 s pass.
    func waitForEvents(providerMessageID: String, until condition: ([MessageEvent]) -> Bool) async throws
        -> [MessageEvent]
    {
        var events: [MessageEvent] = []
        for _ in 0..<100 {
            events = try await self.events(providerMessageID: providerMessageID)
            if condition(events) { return events }
            try await Task.sleep(for: .milliseconds(50))
        }
        return events
    }

    func post(_ path: String, body: String, headers: [(String, String)]) async throws -> (Int, String) {
        try await send(method: "POST", path, body: body, headers: headers)
    }

    /// Sends one request to webhook-ingest (`GET` or `POST`); `path` may carry a query string.
    func send(method: String, _ path: String, body: String, headers: [(String, String)]) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method == "GET" ? .GET : .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
