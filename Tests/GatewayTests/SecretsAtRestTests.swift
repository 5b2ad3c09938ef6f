import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RedisStore
import Testing
import WireModels

@testable import Gateway

@Suite(.serialized) struct SecretsAtRestTests {
    static let redisDatabase = 3

    @Test func noPlaintextKeyPasswordOrProviderSecretIsStoredInSQLiteRedisOrLogs() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let redis = try harness.redisClient()
        _ = try await redis.command("FLUSHDB")
        let password = "PlainPassword-\(UUID().uuidString.prefix(6))"
        let tenant = try await harness.bootstrap(password: password)
        let secrets = [
            "twilio": "TwilioToken\(UUID().uuidString.prefix(8))", "telnyx": "TelnyxKey\(UUID().uuidString.prefix(8))",
            "vonage": "VonageSecret\(UUID().uuidString.prefix(8))", "signature": "VonageSig\(UUID().uuidString.prefix(8))",
            "llm": "sk-LLM\(UUID().uuidString.prefix(8))",
        ]
        let generated = try await harness.makeApplication().test(.router) { client -> [String] in
            var generated: [String] = []
            _ = try await client.send(
                .put, "/api/v1/organization", token: tenant.apiKey,
                json: """
                    {"twilio_account_sid":"AC1","twilio_auth_token":"\(secrets["twilio"]!)","telnyx_api_key":"\(secrets["telnyx"]!)",
                     "vonage_api_key":"k","vonage_api_secret":"\(secrets["vonage"]!)","vonage_signature_secret":"\(secrets["signature"]!)"}
                    """)
            let assistant = try await client.send(
                .post, "/api/v1/assistants", token: tenant.apiKey,
                json: #"{"name":"A","llm_provider_config":{"api_key":"\#(secrets["llm"]!)"}}"#
            ).json(AssistantResponse.self)
            generated.append(try #require(assistant.webhookSecret))
            let created = try await client.send(.post, "/api/v1/users/me/api-keys", token: tenant.apiKey, json: #"{"name":"second"}"#)
            generated.append(try created.json(CreatedAPIKeyResponse.self).key)
            let login = try await client.send(.post, "/api/auth/login", json: #"{"email":"\#(tenant.email)","password":"\#(password)"}"#)
            let cookie = String(try #require(login.headers[.setCookie]).split(separator: ";")[0].split(separator: "=")[1])
            generated.append(cookie)
            _ = try await client.send(.post, "/api/auth/login", json: #"{"email":"\#(tenant.email)","password":"wrong-\#(password)"}"#)
            _ = try await client.send(.get, "/api/v1/organization", token: "sb_\(secrets["llm"]!)")
            _ = try await client.send(.post, "/api/v1/phone-numbers", token: tenant.apiKey, json: #"{"phone_number":"\#(GatewayHarness.randomNumber())","provider":"twilio"}"#)
            return generated
        }
        let plaintexts = Array(secrets.values) + [password, tenant.apiKey] + generated

        // SQLite: the database file and its WAL, byte for byte.
        var stored = Data()
        for suffix in ["", "-wal", "-shm"] {
            let url = harness.dataDirectory.appendingPathComponent("gateway.sqlite\(suffix)")
            if let data = try? Data(contentsOf: url) { stored.append(data) }
        }
        #expect(stored.count > 0)
        // Redis: every key and every value of the harness's database.
        var dump = ""
        for key in try await redis.command("KEYS", "*").array?.compactMap(\.string) ?? [] {
            dump += key + "\n"
            switch try await redis.command("TYPE", key).string {
            case "string": dump += try await redis.command("GET", key).string ?? ""
            case "set": dump += "\(try await redis.command("SMEMBERS", key))"
            default: break
            }
        }
        #expect(dump.contains("sb:dir:org:\(tenant.organizationID)"), "the directory was published")
        let logs = harness.logs.text
        #expect(!logs.isEmpty)
        for secret in plaintexts {
            #expect(stored.range(of: Data(secret.utf8)) == nil, "plaintext secret found in SQLite")
            #expect(!dump.contains(secret), "plaintext secret found in Redis")
            #expect(!logs.contains(secret), "plaintext secret found in the logs")
        }
        await redis.shutdown()
    }
}
