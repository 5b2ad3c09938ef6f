import Foundation
import Hummingbird
import HummingbirdTesting
import RedisStore
import ServiceRuntime
import Testing
import WireModels

@testable import Gateway

@Suite(.serialized) struct DirectoryTests {
    static let redisDatabase = 4

    @Test func aReassignedNumberIsSeenByAnotherProcessWithinOneSecond() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let number = GatewayHarness.randomNumber()
        // Another process: its own Redis connection, reading the directory as the services do.
        let otherRedis = try harness.redisClient()
        let reader = DirectoryReader(redis: otherRedis, secrets: SecretBox(key: harness.configuration.service.secretsKey))
        try await harness.makeApplication().test(.router) { client in
            let first = try await client.send(.post, "/api/v1/assistants", token: tenant.apiKey, json: #"{"name":"One","sms_webhook_url":"https://one.example.com/hook"}"#)
                .json(AssistantResponse.self)
            let second = try await client.send(.post, "/api/v1/assistants", token: tenant.apiKey, json: #"{"name":"Two","sms_webhook_url":"https://two.example.com/hook"}"#)
                .json(AssistantResponse.self)
            let phone = try await client.send(
                .post, "/api/v1/phone-numbers", token: tenant.apiKey,
                json: #"{"phone_number":"\#(number)","provider":"vonage","assistant_id":\#(first.id)}"#
            ).json(PhoneNumberResponse.self)
            let published = try #require(try await reader.phoneNumber(number))
            #expect(published.organizationID == tenant.organizationID)
            #expect(published.assistantID == first.id)
            #expect(published.provider == "vonage")
            #expect(published.smsWebhookURL == "https://one.example.com/hook")

            let changedAt = ContinuousClock.now
            _ = try await client.send(.patch, "/api/v1/phone-numbers/\(phone.id)", token: tenant.apiKey, json: #"{"assistant_id":\#(second.id)}"#)
            var seen: DirectoryPhoneNumber?
            while ContinuousClock.now - changedAt < .seconds(1) {
                seen = try await reader.phoneNumber(number)
                if seen?.assistantID == second.id { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(seen?.assistantID == second.id, "the reassignment was not visible within 1 s")
            #expect(seen?.smsWebhookURL == "https://two.example.com/hook")

            let assistant = try #require(try await reader.assistant(second.id))
            #expect(try reader.webhookSecret(of: assistant) == second.webhookSecret)

            _ = try await client.send(.put, "/api/v1/organization", token: tenant.apiKey, json: #"{"twilio_account_sid":"AC9","twilio_auth_token":"tok"}"#)
            let credentials = try #require(try await reader.credentials(organizationID: tenant.organizationID))
            #expect(credentials.twilioAuthToken == "tok")
            #expect(credentials.twilioAccountSID == "AC9")

            _ = try await client.send(.delete, "/api/v1/phone-numbers/\(phone.id)", token: tenant.apiKey)
            #expect(try await reader.phoneNumber(number) == nil)
            _ = try await client.send(.delete, "/api/v1/assistants/\(first.id)", token: tenant.apiKey)
            #expect(try await reader.assistant(first.id) == nil)
        }
        await otherRedis.shutdown()
    }

    @Test func startupResyncRestoresLostKeysAndDeletesStaleOnes() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let redis = try harness.redisClient()
        let number = GatewayHarness.randomNumber()
        try await harness.makeApplication().test(.router) { client in
            _ = try await client.send(.post, "/api/v1/phone-numbers", token: tenant.apiKey, json: #"{"phone_number":"\#(number)","provider":"twilio"}"#)
        }
        // Redis loses the number; a stale key from a deleted number lingers in the index.
        _ = try await redis.command("DEL", RedisKey.directoryNumber(number))
        _ = try await redis.command("SET", RedisKey.directoryNumber("+19999999999"), "{}")
        _ = try await redis.command("SADD", RedisKey.directoryIndex, RedisKey.directoryNumber("+19999999999"))
        try await harness.makeApplication().test(.router) { _ in
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline, try await redis.command("EXISTS", RedisKey.directoryNumber(number)).int == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(try await redis.command("EXISTS", RedisKey.directoryNumber(number)).int == 1)
        #expect(try await redis.command("EXISTS", RedisKey.directoryNumber("+19999999999")).int == 0)
        await redis.shutdown()
    }
}
