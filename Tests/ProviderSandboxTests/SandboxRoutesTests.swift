import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import ProviderSandboxKit
import TestSupport
import Testing

@Suite struct SandboxRoutesTests {
    @Test func addsAccountsAtRunTime() async throws {
        var configuration = SandboxHarness.testConfiguration
        configuration.accounts = []
        try await SandboxHarness.run(configuration: configuration) { sandbox in
            let body = #"{"from":"+13125550001","to":"+17735550002","text":"hi"}"#
            #expect(try await sandbox.telnyxSend(body, apiKey: "KEY-new").status == .unauthorized)
            let created = try await sandbox.postJSON(
                "/sandbox/accounts", #"{"provider":"telnyx","api_key":"KEY-new","messaging_profile_id":"p-1"}"#)
            #expect(created.status == .created)
            #expect(try await sandbox.telnyxSend(body, apiKey: "KEY-new").status == .ok)

            let incomplete = try await sandbox.postJSON("/sandbox/accounts", #"{"provider":"vonage","api_key":"k"}"#)
            #expect(incomplete.status == .badRequest)
            #expect((try jsonObject(incomplete)["detail"] as? String)?.contains("api_secret") == true)
            let unknown = try await sandbox.postJSON("/sandbox/accounts", #"{"provider":"plivo","api_key":"k"}"#)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test func listsReceivedMessagesInOrderWithFilters() async throws {
        try await SandboxHarness.run { sandbox in
            _ = try await sandbox.twilioSend([("To", "+15558675310"), ("From", "+15017122661"), ("Body", "one")])
            _ = try await sandbox.telnyxSend(#"{"from":"+13125550001","to":"+15558675310","text":"two"}"#)
            _ = try await sandbox.vonageSend(
                #"{"message_type":"text","channel":"sms","to":"15558675310","from":"15017122661","text":"three","client_ref":"c3"}"#)
            _ = try await sandbox.twilioSend([("To", "+15558675311"), ("From", "+15017122661"), ("Body", "four")], password: "bad")

            let all = try jsonObject(try await sandbox.get("/sandbox/messages"))
            let messages = try #require(all["messages"] as? [[String: Any]])
            #expect(all["count"] as? Int == 4)
            #expect(messages.map { $0["body"] as? String } == ["one", "two", "three", "four"])
            #expect(messages.map { $0["http_status"] as? Int } == [201, 200, 202, 401])
            let times = messages.compactMap { $0["received_at"] as? Double }
            #expect(times.count == 4 && times == times.sorted() && Set(times).count == 4)
            #expect(messages[2]["client_ref"] as? String == "c3")
            #expect(messages[2]["provider"] as? String == "vonage")
            #expect((messages[0]["message_id"] as? String)?.hasPrefix("SM") == true)
            #expect(messages[3]["error_code"] as? String == "20003")
            #expect(messages[0]["segments"] as? Int == 1)

            // `to` matches with or without `+`, so one query spans all three providers.
            let toNumber = try jsonObject(try await sandbox.get("/sandbox/messages?to=%2B15558675310"))
            #expect(toNumber["count"] as? Int == 3)
            let telnyx = try jsonObject(try await sandbox.get("/sandbox/messages?provider=telnyx"))
            #expect((telnyx["messages"] as? [[String: Any]])?.map { $0["body"] as? String } == ["two"])
            let from = try jsonObject(try await sandbox.get("/sandbox/messages?from=15017122661&provider=twilio"))
            #expect(from["count"] as? Int == 2)
            let latest = try jsonObject(try await sandbox.get("/sandbox/messages?limit=2"))
            #expect((latest["messages"] as? [[String: Any]])?.map { $0["body"] as? String } == ["three", "four"])
            #expect(try await sandbox.get("/sandbox/messages?provider=plivo").status == .badRequest)

            #expect(try await sandbox.client.execute(uri: "/sandbox/messages", method: .delete).status == .noContent)
            #expect(try jsonObject(try await sandbox.get("/sandbox/messages"))["count"] as? Int == 0)
            #expect(try jsonObject(try await sandbox.get("/sandbox/stats"))["requests"] as? Int == 0)
        }
    }

    @Test func reportsCountsAndOneSecondWindowMaximum() async throws {
        try await SandboxHarness.run { sandbox in
            for index in 0..<5 {
                _ = try await sandbox.twilioSend([("To", "+15558675310"), ("From", "+15017122661"), ("Body", "burst \(index)")])
            }
            _ = try await sandbox.telnyxSend(#"{"from":"+13125550001","to":"+15558675310","text":"solo"}"#)
            _ = try await sandbox.telnyxSend(#"{"from":"+13125550001","to":"+15550100400","text":"bad"}"#)

            let stats = try jsonObject(try await sandbox.get("/sandbox/stats"))
            #expect(stats["requests"] as? Int == 7)
            #expect(stats["accepted"] as? Int == 6)
            let providers = try #require(stats["providers"] as? [String: [String: Int]])
            #expect(providers["twilio"] == ["requests": 5, "accepted": 5])
            #expect(providers["telnyx"] == ["requests": 2, "accepted": 1])
            #expect(providers["vonage"] == ["requests": 0, "accepted": 0])
            let numbers = try #require(stats["from_numbers"] as? [String: [String: Int]])
            #expect(numbers["+15017122661"]?["requests"] == 5)
            #expect(numbers["+15017122661"]?["max_per_second"] == 5)
            #expect(numbers["+15017122661"]?["max_accepted_per_second"] == 5)
            #expect(numbers["+13125550001"]?["requests"] == 2)
            #expect(numbers["+13125550001"]?["accepted"] == 1)
            #expect(numbers["+13125550001"]?["max_per_second"] == 2)
        }
    }

    @Test func appliesTheOptionalPerNumberRateLimit() async throws {
        var configuration = SandboxHarness.testConfiguration
        configuration.rateLimitPerSecond = 2
        try await SandboxHarness.run(configuration: configuration) { sandbox in
            let body = #"{"from":"+13125550001","to":"+17735550002","text":"hi"}"#
            #expect(try await sandbox.telnyxSend(body).status == .ok)
            #expect(try await sandbox.telnyxSend(body).status == .ok)
            let limited = try await sandbox.telnyxSend(body)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[HTTPField.Name("x-ratelimit-limit")!] == "2")
            // Another sender has its own budget.
            #expect(try await sandbox.telnyxSend(#"{"from":"+13125550009","to":"+17735550002","text":"hi"}"#).status == .ok)
            let stats = try jsonObject(try await sandbox.get("/sandbox/stats"))
            let numbers = try #require(stats["from_numbers"] as? [String: [String: Int]])
            #expect(numbers["+13125550001"]?["max_accepted_per_second"] == 2)
            #expect(numbers["+13125550001"]?["max_per_second"] == 3)
        }
    }

    @Test func sendsNoCallbacksWhenSwitchedOff() async throws {
        var configuration = SandboxHarness.testConfiguration
        configuration.callbacksEnabled = false
        try await SandboxHarness.run(configuration: configuration) { sandbox in
            let response = try await sandbox.twilioSend([
                ("To", "+15558675310"), ("From", "+15017122661"), ("Body", "quiet"),
                ("StatusCallback", sandbox.receiverURL + "/quiet"),
            ])
            #expect(response.status == .created)
            try await Task.sleep(for: .milliseconds(150))
            #expect(sandbox.receiver.requests.isEmpty)
            #expect(sandbox.state.messages().last?.callbackURL == sandbox.receiverURL + "/quiet")
        }
    }

    @Test func retriesFailingCallbacksABoundedNumberOfTimes() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.telnyxSend(
                #"{"from":"+13125550001","to":"+17735550002","text":"hi","webhook_url":"\#(sandbox.receiverURL)/fail/telnyx"}"#)
            #expect(response.status == .ok)
            let attempts = await sandbox.receiver.waitFor(path: "/fail/telnyx", count: 6)
            #expect(attempts.count == 6)  // 2 events × 3 attempts
            let numbers = try attempts.map { try #require((try jsonObject($0.body)["meta"] as? [String: Any])?["attempt"] as? Int) }
            #expect(numbers == [1, 2, 3, 1, 2, 3])
            let recorded = await eventually { sandbox.state.messages().last?.callbacks.count == 2 }
            #expect(recorded)
            let callbacks = try #require(sandbox.state.messages().last?.callbacks)
            #expect(callbacks.map(\.httpStatus) == [500, 500])
            #expect(callbacks.map(\.attempts) == [3, 3])

            // A receiver that is not there at all is recorded, not fatal.
            let closed = "http://127.0.0.1:\(freeLoopbackPort())/gone"
            _ = try await sandbox.telnyxSend(#"{"from":"+13125550001","to":"+17735550002","text":"hi","webhook_url":"\#(closed)"}"#)
            let gone = await eventually { sandbox.state.messages().last?.callbacks.count == 2 }
            #expect(gone)
            #expect(sandbox.state.messages().last?.callbacks.allSatisfy { $0.httpStatus == nil && $0.error != nil } == true)
        }
    }

    // MARK: Inbound injection

    @Test func injectsSignedTwilioInboundWebhook() async throws {
        try await SandboxHarness.run { sandbox in
            let target = sandbox.receiverURL + "/twiml?tenant=acme"
            let response = try await sandbox.postJSON(
                "/sandbox/inbound",
                #"{"provider":"twilio","from":"+14155550199","to":"+14155550100","text":"Hello world!","media_urls":["https://example.com/a.png"],"target_url":"\#(target)"}"#)
            #expect(response.status == .ok)
            let result = try jsonObject(response)
            let answer = try #require(result["response"] as? [String: Any])
            #expect(answer["status"] as? Int == 200)
            #expect((answer["body"] as? String)?.contains("<Response />") == true)

            let received = try #require(sandbox.receiver.requests(path: "/twiml").first)
            let sent = try #require(result["request"] as? [String: Any])
            #expect(sent["body"] as? String == received.body)
            let parameters = formDecode(received.body)
            #expect(
                received.header("X-Twilio-Signature")
                    == SignatureVerifiers.twilio(url: target, parameters: parameters, token: TestAccounts.twilioToken))
            #expect((sent["headers"] as? [String: String])?["X-Twilio-Signature"] == received.header("X-Twilio-Signature"))
            let fields = Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            #expect(fields["Body"] == "Hello world!")
            #expect(fields["From"] == "+14155550199")
            #expect(fields["To"] == "+14155550100")
            #expect(fields["SmsStatus"] == "received")
            #expect(fields["NumMedia"] == "1")
            #expect(fields["NumSegments"] == "1")
            #expect(fields["MediaUrl0"] == "https://example.com/a.png")
            #expect(fields["MediaContentType0"] == "image/png")
            #expect(fields["AccountSid"] == TestAccounts.twilioSID)
            #expect(fields["MessageSid"]?.hasPrefix("MM") == true)
            #expect(fields["MessageSid"] == result["message_id"] as? String)
        }
    }

    @Test func injectsSignedTelnyxInboundWebhook() async throws {
        try await SandboxHarness.run { sandbox in
            let key = try await sandbox.telnyxPublicKey()
            let response = try await sandbox.postJSON(
                "/sandbox/inbound",
                #"{"provider":"telnyx","from":"+13125550001","to":"+17735550002","text":"Hello!","target_url":"\#(sandbox.receiverURL)/telnyx/in"}"#)
            #expect(response.status == .ok)
            let received = try #require(sandbox.receiver.requests(path: "/telnyx/in").first)
            #expect(
                SignatureVerifiers.telnyx(
                    body: received.body, timestamp: received.header("telnyx-timestamp"),
                    signature: received.header("telnyx-signature-ed25519"), key: key))
            let data = try #require(try jsonObject(received.body)["data"] as? [String: Any])
            #expect(data["event_type"] as? String == "message.received")
            let payload = try #require(data["payload"] as? [String: Any])
            #expect(payload["direction"] as? String == "inbound")
            #expect(payload["text"] as? String == "Hello!")
            #expect((payload["from"] as? [String: Any])?["phone_number"] as? String == "+13125550001")
            let to = try #require((payload["to"] as? [[String: Any]])?.first)
            #expect(to["phone_number"] as? String == "+17735550002")
            #expect(to["status"] as? String == "webhook_delivered")
            #expect(payload["id"] as? String == (try jsonObject(response)["message_id"] as? String))
        }
    }

    @Test func injectsSignedVonageInboundWebhook() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.postJSON(
                "/sandbox/inbound",
                #"{"provider":"vonage","from":"+447700900001","to":"447700900000","text":"stop now","target_url":"\#(sandbox.receiverURL)/vonage/in"}"#)
            #expect(response.status == .ok)
            let received = try #require(sandbox.receiver.requests(path: "/vonage/in").first)
            let claims = SignatureVerifiers.vonage(
                authorization: received.header("Authorization"), body: received.body,
                secret: TestAccounts.vonageSignatureSecret)
            #expect(claims?["api_key"] as? String == TestAccounts.vonageKey)
            let body = try jsonObject(received.body)
            #expect(body["channel"] as? String == "sms")
            #expect(body["from"] as? String == "447700900001")
            #expect(body["to"] as? String == "447700900000")
            #expect(body["text"] as? String == "stop now")
            #expect(body["message_type"] as? String == "text")
            #expect((body["sms"] as? [String: Any])?["keyword"] as? String == "STOP")
            #expect(isUUID(try #require(body["message_uuid"] as? String)))
        }
    }

    @Test func reportsAnUnreachableInboundTarget() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.postJSON(
                "/sandbox/inbound",
                #"{"provider":"telnyx","from":"+13125550001","to":"+17735550002","text":"hi","target_url":"http://127.0.0.1:\#(freeLoopbackPort())/x"}"#)
            #expect(response.status == .ok)
            let answer = try #require(try jsonObject(response)["response"] as? [String: Any])
            #expect(answer["status"] is NSNull)
            #expect(answer["error"] is String)
            let missing = try await sandbox.postJSON("/sandbox/inbound", #"{"provider":"twilio","from":"+1","to":"+2","text":"x"}"#)
            #expect(missing.status == .badRequest)
        }
    }

    @Test func publishesTheMagicNumberTable() async throws {
        try await SandboxHarness.run { sandbox in
            let table = try jsonObject(try await sandbox.get("/sandbox/magic-numbers"))
            let rows = try #require(table["magic_numbers"] as? [[String: String]])
            #expect(rows.map { $0["number"] } == MagicNumber.all.map(\.e164))
            #expect(try await sandbox.get("/health").status == .ok)
            #expect(try await sandbox.postJSON("/sandbox/sink/anything", "{}").status == .ok)
        }
    }
}

/// A loopback port nobody listens on (a moment ago).
func freeLoopbackPort() -> Int {
    freeTCPPort()
}
