import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import ProviderSandboxKit
import Testing

@Suite struct TelnyxEmulationTests {
    @Test func rejectsWrongAPIKeyWithError10009() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.telnyxSend(
                #"{"from":"+13125550001","to":"+17735550002","text":"hi"}"#, apiKey: "KEY-wrong")
            #expect(response.status == .unauthorized)
            let errors = try #require(try jsonObject(response)["errors"] as? [[String: Any]])
            #expect(errors.first?["code"] as? String == "10009")
            #expect(errors.first?["title"] is String)
        }
    }

    @Test(arguments: [
        (#"{"from":"+13125550001","text":"hi"}"#, "40310"),
        (#"{"from":"+13125550001","to":["+17735550002","+17735550003"],"text":"hi"}"#, "40310"),
        (#"{"from":"+13125550001","to":"7735550002","text":"hi"}"#, "40310"),
        (#"{"to":"+17735550002","text":"hi"}"#, "40305"),
        (#"{"from":"+1312$","to":"+17735550002","text":"hi"}"#, "40305"),
        (#"{"from":"+13125550001","to":"+17735550002"}"#, "10015"),
        (#"{"from":"+13125550001","to":"+17735550002","text":"hi","media_urls":"x"}"#, "10015"),
        (#"{"from":"+13125550001","to":"+17735550002","text":"😀","encoding":"gsm7"}"#, "10015"),
        ("not json", "10015"),
    ])
    func rejectsInvalidWireFormatWithTelnyxErrorCode(json: String, code: String) async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.telnyxSend(json)
            #expect(response.status == .badRequest)
            let errors = try #require(try jsonObject(response)["errors"] as? [[String: Any]])
            #expect(errors.first?["code"] as? String == code)
            #expect(errors.first?["detail"] is String)
            #expect(sandbox.state.messages().last?.errorCode == code)
        }
    }

    @Test func answersValidSendWithUUIDAndParts() async throws {
        try await SandboxHarness.run { sandbox in
            let text = String(repeating: "😀", count: 36)
            let response = try await sandbox.telnyxSend(
                #"{"from":"+13125550001","to":"+17735550002","text":"\#(text)"}"#,
                headers: [HTTPField.Name("Idempotency-Key")!: "idem-1"])
            #expect(response.status == .ok)
            let data = try #require(try jsonObject(response)["data"] as? [String: Any])
            let id = try #require(data["id"] as? String)
            #expect(isUUID(id))
            #expect(data["record_type"] as? String == "message")
            #expect(data["direction"] as? String == "outbound")
            #expect(data["type"] as? String == "SMS")
            #expect(data["parts"] as? Int == 2)
            #expect(data["encoding"] as? String == "UCS-2")
            #expect(data["messaging_profile_id"] as? String == TestAccounts.telnyxProfile)
            let to = try #require(data["to"] as? [[String: Any]])
            #expect(to.first?["status"] as? String == "queued")
            #expect(to.first?["phone_number"] as? String == "+17735550002")
            #expect((data["from"] as? [String: Any])?["phone_number"] as? String == "+13125550001")
            #expect(sandbox.state.message(id: id)?.idempotencyKey == "idem-1")
        }
    }

    @Test func postsSignedSentThenFinalizedEvents() async throws {
        try await SandboxHarness.run { sandbox in
            let key = try await sandbox.telnyxPublicKey()
            let webhookURL = sandbox.receiverURL + "/telnyx"
            let response = try await sandbox.telnyxSend(
                #"{"from":"+13125550001","to":"+17735550002","text":"hello","webhook_url":"\#(webhookURL)"}"#)
            let id = try #require((try jsonObject(response)["data"] as? [String: Any])?["id"] as? String)

            let events = await sandbox.receiver.waitFor(path: "/telnyx", count: 2)
            try #require(events.count == 2)
            var kinds: [String] = []
            var statuses: [String] = []
            for event in events {
                #expect(
                    SignatureVerifiers.telnyx(
                        body: event.body, timestamp: event.header("telnyx-timestamp"),
                        signature: event.header("telnyx-signature-ed25519"), key: key))
                let envelope = try jsonObject(event.body)
                let data = try #require(envelope["data"] as? [String: Any])
                #expect(data["record_type"] as? String == "event")
                #expect(isUUID(try #require(data["id"] as? String)))
                let payload = try #require(data["payload"] as? [String: Any])
                #expect(payload["id"] as? String == id)
                kinds.append(try #require(data["event_type"] as? String))
                statuses.append(try #require((payload["to"] as? [[String: Any]])?.first?["status"] as? String))
                let meta = try #require(envelope["meta"] as? [String: Any])
                #expect(meta["attempt"] as? Int == 1)
                #expect(meta["delivered_to"] as? String == webhookURL)
            }
            #expect(kinds == ["message.sent", "message.finalized"])
            #expect(statuses == ["sent", "delivered"])
        }
    }

    @Test func signsWithTheConfiguredSeed() async throws {
        // The worked example of providers.md §3.4.
        let seed = Array(SHA256.hash(data: Data("sms-emulator-telnyx-test-key".utf8)))
        let environment = ["SANDBOX_TELNYX_PRIVATE_KEY": Data(seed).base64EncodedString()]
        var configuration = try SandboxConfiguration(environment: environment)
        configuration.accounts = TestAccounts.all
        try await SandboxHarness.run(configuration: configuration) { sandbox in
            let keys = try jsonObject(try await sandbox.get("/sandbox/keys"))
            #expect(keys["telnyx_public_key"] as? String == "WPKZRmyH6Vd9uYbWQfTz8SHvuPZE40MqbYYU4mr8ApY=")
        }
    }
}
