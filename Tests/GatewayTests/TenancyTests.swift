import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WireModels

@testable import Gateway

@Suite(.serialized) struct TenancyTests {
    static let redisDatabase = 2

    @Test func organizationShowsWhichSecretsAreSetNeverTheirValues() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let publicKey = Data(repeating: 9, count: 32).base64EncodedString()
        try await harness.makeApplication().test(.router) { client in
            let initial = try await client.send(.get, "/api/v1/organization", token: tenant.apiKey).json(OrganizationResponse.self)
            #expect(initial.id == tenant.organizationID)
            #expect(!initial.twilioAuthTokenSet)
            let put = try await client.send(
                .put, "/api/v1/organization", token: tenant.apiKey,
                json: """
                    {"twilio_account_sid":"AC123","twilio_auth_token":"tw-secret-token","telnyx_api_key":"KEYtelnyx",
                     "telnyx_public_key":"\(publicKey)","vonage_api_key":"vk","vonage_api_secret":"vs-secret",
                     "vonage_signature_secret":"vsig-secret"}
                    """)
            #expect(put.status == .ok)
            for secret in ["tw-secret-token", "KEYtelnyx", "vs-secret", "vsig-secret"] { #expect(!put.body.contains(secret)) }
            let organization = try put.json(OrganizationResponse.self)
            #expect(organization.twilioAccountSID == "AC123")
            #expect(organization.twilioAuthTokenSet && organization.telnyxAPIKeySet)
            #expect(organization.vonageAPISecretSet && organization.vonageSignatureSecretSet)
            #expect(organization.telnyxPublicKey == publicKey)

            // Absent fields stay; null clears.
            let cleared = try await client.send(.put, "/api/v1/organization", token: tenant.apiKey, json: #"{"twilio_auth_token":null}"#)
            let after = try cleared.json(OrganizationResponse.self)
            #expect(!after.twilioAuthTokenSet)
            #expect(after.twilioAccountSID == "AC123")
            #expect(after.vonageAPISecretSet)
        }
    }

    @Test func organizationUpdateRejectsBadInputAndChangesNothing() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let other = try await harness.bootstrap(organization: "Taken Name \(UUID().uuidString.prefix(4))")
        try await harness.makeApplication().test(.router) { client in
            let before = try await client.send(.get, "/api/v1/organization", token: tenant.apiKey).json(OrganizationResponse.self)
            let cases: [(String, HTTPResponse.Status)] = [
                ("{not json", .unprocessableContent), (#"{"twilio_auth_token": 42}"#, .unprocessableContent),
                (#"{"telnyx_public_key": "not-a-key"}"#, .unprocessableContent),
                (#"{"twilio_auth_token": "\#(String(repeating: "x", count: 600))"}"#, .unprocessableContent),
                (#"{"name": "   "}"#, .unprocessableContent),
                (#"{"name": "\#(try await client.send(.get, "/api/v1/organization", token: other.apiKey).json(OrganizationResponse.self).name)"}"#, .conflict),
                ("", .badRequest),
            ]
            for (body, status) in cases {
                let reply = try await client.send(.put, "/api/v1/organization", token: tenant.apiKey, json: body)
                #expect(reply.status == status || (body == "{not json" && reply.status == .badRequest), "\(body) → \(reply.status)")
                #expect(reply.detail?.isEmpty == false)
            }
            let after = try await client.send(.get, "/api/v1/organization", token: tenant.apiKey).json(OrganizationResponse.self)
            #expect(before == after)
        }
    }

    @Test func assistantsSupportFullCRUDWithAWebhookSecretShownOnce() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        try await harness.makeApplication().test(.router) { client in
            let created = try await client.send(
                .post, "/api/v1/assistants", token: tenant.apiKey,
                json: """
                    {"name":"Support bot","sms_webhook_url":"https://bot.example.com/sms","llm_provider":"openai",
                     "llm_provider_config":{"api_key":"sk-llm-secret","base_url":"https://api.openai.com/v1"},
                     "llm_settings":{"model":"gpt-4o","system_prompt":"Be brief","temperature":0.3,"max_tokens":200},
                     "sms_settings":{"auto_reply":true}}
                    """)
            #expect(created.status == .created)
            let assistant = try created.json(AssistantResponse.self)
            #expect(assistant.webhookSecret?.hasPrefix("whsec_") == true)
            #expect(assistant.llmProviderConfig.apiKeySet)
            #expect(!created.body.contains("sk-llm-secret"))
            #expect(assistant.llmSettings?.model == "gpt-4o")
            #expect(assistant.smsSettings?.autoReply == true)

            let fetched = try await client.send(.get, "/api/v1/assistants/\(assistant.id)", token: tenant.apiKey)
            #expect(fetched.status == .ok)
            #expect(try fetched.json(AssistantResponse.self).webhookSecret == nil, "the secret is shown only once")

            let patched = try await client.send(.patch, "/api/v1/assistants/\(assistant.id)", token: tenant.apiKey, json: #"{"is_active":false}"#)
            let afterPatch = try patched.json(AssistantResponse.self)
            #expect(!afterPatch.isActive)
            #expect(afterPatch.smsWebhookURL == "https://bot.example.com/sms", "PATCH keeps absent fields")
            #expect(afterPatch.llmProviderConfig.apiKeySet)

            let replaced = try await client.send(.put, "/api/v1/assistants/\(assistant.id)", token: tenant.apiKey, json: #"{"name":"Renamed"}"#)
            let afterPut = try replaced.json(AssistantResponse.self)
            #expect(afterPut.name == "Renamed")
            #expect(afterPut.smsWebhookURL == nil, "PUT replaces the whole assistant")
            #expect(afterPut.isActive)
            #expect(!afterPut.llmProviderConfig.apiKeySet)

            let list = try await client.send(.get, "/api/v1/assistants?skip=0&limit=10", token: tenant.apiKey)
            #expect(try list.json([AssistantResponse].self).map(\.id) == [assistant.id])
            #expect(list.headers[HTTPField.Name("X-Total-Count")!] == "1")

            #expect(try await client.send(.delete, "/api/v1/assistants/\(assistant.id)", token: tenant.apiKey).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/assistants/\(assistant.id)", token: tenant.apiKey).status == .notFound)
        }
    }

    @Test func assistantInputIsValidatedAndBadInputWritesNothing() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let database = harness.dataDirectory.appendingPathComponent("gateway.sqlite").path
        try await harness.makeApplication().test(.router) { client in
            let cases: [(String, String)] = [
                ("{}", "name must not be empty"),
                (#"{"name": 5}"#, "Invalid type for name: expected string"),
                (#"{"name": "\#(String(repeating: "n", count: 256))"}"#, "name must be at most 255 characters"),
                (#"{"name": "a", "sms_webhook_url": "ftp://x"}"#, "sms_webhook_url must be an http or https URL"),
                (#"{"name": "a", "llm_settings": {"temperature": 7}}"#, "llm_settings.temperature must be from 0 to 2"),
                (#"{"name": "a", "is_active": "yes"}"#, "Invalid type for is_active: expected boolean"),
            ]
            for (body, detail) in cases {
                let reply = try await client.send(.post, "/api/v1/assistants", token: tenant.apiKey, json: body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.detail == detail)
            }
            #expect(try await client.send(.post, "/api/v1/assistants", token: tenant.apiKey, json: "[1,").status.code / 100 == 4)
            #expect(try await client.send(.get, "/api/v1/assistants/999999", token: tenant.apiKey).detail == "Assistant not found")
            #expect(try await client.send(.get, "/api/v1/assistants?limit=0", token: tenant.apiKey).status == .unprocessableContent)
            #expect(try await client.send(.get, "/api/v1/assistants?limit=501", token: tenant.apiKey).status == .unprocessableContent)
            #expect(try await client.send(.get, "/api/v1/assistants?skip=-1", token: tenant.apiKey).status == .unprocessableContent)
        }
        #expect(try sqliteScalar(database, "SELECT COUNT(*) FROM assistants") == "0")
    }

    @Test func phoneNumbersAreValidatedUniqueAcrossOrganizationsAndAssignable() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let tenant = try await harness.bootstrap()
        let rival = try await harness.bootstrap()
        let number = GatewayHarness.randomNumber()
        try await harness.makeApplication().test(.router) { client in
            let assistant = try await client.send(.post, "/api/v1/assistants", token: tenant.apiKey, json: #"{"name":"A"}"#)
                .json(AssistantResponse.self)
            let rivalAssistant = try await client.send(.post, "/api/v1/assistants", token: rival.apiKey, json: #"{"name":"R"}"#)
                .json(AssistantResponse.self)

            for (body, detail) in [
                (#"{"phone_number":"5551234","provider":"twilio"}"#, "Invalid phone_number format. Use E.164 format (e.g., +1234567890)"),
                (#"{"phone_number":"+0123456","provider":"twilio"}"#, "Invalid phone_number format. Use E.164 format (e.g., +1234567890)"),
                (#"{"phone_number":"\#(number)","provider":"plivo"}"#, "provider must be one of twilio, telnyx, vonage"),
                (#"{"phone_number":"\#(number)"}"#, "Field required: provider"),
                (#"{"phone_number":"\#(number)","provider":"twilio","assistant_id":\#(rivalAssistant.id)}"#, "Assistant not found"),
            ] {
                let reply = try await client.send(.post, "/api/v1/phone-numbers", token: tenant.apiKey, json: body)
                #expect(reply.status.code / 100 == 4, "\(body)")
                #expect(reply.detail == detail)
            }

            let created = try await client.send(
                .post, "/api/v1/phone-numbers", token: tenant.apiKey,
                json: #"{"phone_number":"\#(number)","provider":"Telnyx","assistant_id":\#(assistant.id),"friendly_name":"Main"}"#)
            #expect(created.status == .created)
            let phone = try created.json(PhoneNumberResponse.self)
            #expect(phone.provider == "telnyx")
            #expect(phone.assistantID == assistant.id)

            let again = try await client.send(.post, "/api/v1/phone-numbers", token: tenant.apiKey, json: #"{"phone_number":"\#(number)","provider":"twilio"}"#)
            #expect(again.status == .conflict)
            let stolen = try await client.send(.post, "/api/v1/phone-numbers", token: rival.apiKey, json: #"{"phone_number":"\#(number)","provider":"twilio"}"#)
            #expect(stolen.status == .conflict)
            #expect(stolen.detail == "Phone number \(number) is registered to another organization")

            let withNumber = try await client.send(.get, "/api/v1/assistants/\(assistant.id)", token: tenant.apiKey).json(AssistantResponse.self)
            #expect(withNumber.phoneNumbers == [number])

            let unassigned = try await client.send(.patch, "/api/v1/phone-numbers/\(phone.id)", token: tenant.apiKey, json: #"{"assistant_id":0}"#)
            #expect(try unassigned.json(PhoneNumberResponse.self).assistantID == nil)
            #expect(unassigned.body.contains(#""assistant_id":null"#))
            let renamed = try await client.send(.patch, "/api/v1/phone-numbers/\(phone.id)", token: tenant.apiKey, json: #"{"friendly_name":"Sales"}"#)
            #expect(try renamed.json(PhoneNumberResponse.self).friendlyName == "Sales")
            let foreign = try await client.send(
                .patch, "/api/v1/phone-numbers/\(phone.id)", token: tenant.apiKey, json: #"{"assistant_id":\#(rivalAssistant.id)}"#)
            #expect(foreign.status == .notFound)

            let list = try await client.send(.get, "/api/v1/phone-numbers", token: tenant.apiKey).json([PhoneNumberResponse].self)
            #expect(list.map(\.phoneNumber) == [number])
            #expect(try await client.send(.delete, "/api/v1/phone-numbers/\(phone.id)", token: tenant.apiKey).status == .noContent)
            // Freed, it can be registered by anyone.
            #expect(try await client.send(.post, "/api/v1/phone-numbers", token: rival.apiKey, json: #"{"phone_number":"\#(number)","provider":"vonage"}"#).status == .created)
        }
    }

    @Test func anotherOrganizationsIdsGet404AndNeverTheData() async throws {
        let harness = try GatewayHarness(redisDatabase: Self.redisDatabase)
        let owner = try await harness.bootstrap()
        let intruder = try await harness.bootstrap()
        let number = GatewayHarness.randomNumber()
        try await harness.makeApplication().test(.router) { client in
            let assistant = try await client.send(.post, "/api/v1/assistants", token: owner.apiKey, json: #"{"name":"Private bot"}"#)
                .json(AssistantResponse.self)
            let phone = try await client.send(
                .post, "/api/v1/phone-numbers", token: owner.apiKey, json: #"{"phone_number":"\#(number)","provider":"twilio"}"#
            ).json(PhoneNumberResponse.self)
            let key = try await client.send(.post, "/api/v1/users/me/api-keys", token: owner.apiKey, json: #"{"name":"k"}"#)
                .json(CreatedAPIKeyResponse.self)

            let attempts: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/assistants/\(assistant.id)", nil), (.put, "/api/v1/assistants/\(assistant.id)", #"{"name":"x"}"#),
                (.patch, "/api/v1/assistants/\(assistant.id)", #"{"name":"x"}"#), (.delete, "/api/v1/assistants/\(assistant.id)", nil),
                (.get, "/api/v1/phone-numbers/\(phone.id)", nil), (.patch, "/api/v1/phone-numbers/\(phone.id)", #"{"friendly_name":"x"}"#),
                (.delete, "/api/v1/phone-numbers/\(phone.id)", nil), (.delete, "/api/v1/users/me/api-keys/\(key.apiKey.id)", nil),
            ]
            for (method, path, body) in attempts {
                let reply = try await client.send(method, path, token: intruder.apiKey, json: body)
                #expect(reply.status == .notFound, "\(method) \(path) → \(reply.status)")
                #expect(!reply.body.contains("Private bot") && !reply.body.contains(number))
            }
            for path in ["/api/v1/assistants", "/api/v1/phone-numbers", "/api/v1/users/me/api-keys"] {
                let reply = try await client.send(.get, path, token: intruder.apiKey)
                #expect(!reply.body.contains("Private bot") && !reply.body.contains(number) && !reply.body.contains(key.apiKey.keyPrefix))
            }
            #expect(try await client.send(.get, "/api/v1/organization", token: intruder.apiKey).json(OrganizationResponse.self).id == intruder.organizationID)
            // Everything is still there for the owner.
            #expect(try await client.send(.get, "/api/v1/assistants/\(assistant.id)", token: owner.apiKey).json(AssistantResponse.self).name == "Private bot")
            #expect(try await client.send(.get, "/api/v1/phone-numbers/\(phone.id)", token: owner.apiKey).status == .ok)
            #expect(try await client.send(.get, "/api/v1/organization", token: key.key).status == .ok)
        }
    }
}
