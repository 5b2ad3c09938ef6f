import Foundation
import HTTPTypes
import HummingbirdTesting
import ProviderSandboxKit
import Testing

@Suite struct MagicNumberTests {
    private static let from = "+15017122661"

    private func send(_ sandbox: SandboxHarness, _ provider: SandboxProvider, to: String, callbackPath: String? = nil)
        async throws -> TestResponse
    {
        let callback = callbackPath.map { sandbox.receiverURL + $0 }
        switch provider {
        case .twilio:
            var parameters = [("To", to), ("From", Self.from), ("Body", "magic")]
            if let callback { parameters.append(("StatusCallback", callback)) }
            return try await sandbox.twilioSend(parameters)
        case .telnyx:
            let hook = callback.map { #","webhook_url":"\#($0)""# } ?? ""
            return try await sandbox.telnyxSend(#"{"from":"\#(Self.from)","to":"\#(to)","text":"magic"\#(hook)}"#)
        case .vonage:
            let hook = callback.map { #","webhook_url":"\#($0)""# } ?? ""
            let digits = to.hasPrefix("+") ? String(to.dropFirst()) : to
            return try await sandbox.vonageSend(
                #"{"message_type":"text","channel":"sms","to":"\#(digits)","from":"15017122661","text":"magic"\#(hook)}"#)
        }
    }

    private func success(_ provider: SandboxProvider) -> HTTPResponse.Status {
        switch provider {
        case .twilio: .created
        case .telnyx: .ok
        case .vonage: .accepted
        }
    }

    @Test(arguments: SandboxProvider.allCases)
    func throttlesTwiceWithRetryAfterThenAccepts(provider: SandboxProvider) async throws {
        try await SandboxHarness.run { sandbox in
            for _ in 0..<2 {
                let response = try await send(sandbox, provider, to: MagicNumber.throttledTwice.e164)
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[HTTPField.Name("Retry-After")!] == "1")
                let body = try jsonObject(response)
                switch provider {
                case .twilio: #expect(body["code"] as? Int == 20429)
                case .telnyx:
                    #expect((body["errors"] as? [[String: Any]])?.first?["code"] as? String == "10011")
                    #expect(response.headers[HTTPField.Name("x-ratelimit-remaining")!] == "0")
                case .vonage:
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Reset")!] != nil)
                }
            }
            #expect(try await send(sandbox, provider, to: MagicNumber.throttledTwice.e164).status == success(provider))
            // The count starts again for the next message.
            #expect(try await send(sandbox, provider, to: MagicNumber.throttledTwice.e164).status == .tooManyRequests)
            #expect(sandbox.state.messages().map(\.httpStatus) == [429, 429, success(provider).code, 429])
        }
    }

    @Test(arguments: SandboxProvider.allCases)
    func rejectsInvalidNumberWithProviderCode(provider: SandboxProvider) async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await send(sandbox, provider, to: MagicNumber.invalidNumber.e164)
            let body = try jsonObject(response)
            switch provider {
            case .twilio:
                #expect(response.status == .badRequest)
                #expect(body["code"] as? Int == 21211)
            case .telnyx:
                #expect(response.status == .badRequest)
                #expect((body["errors"] as? [[String: Any]])?.first?["code"] as? String == "40310")
            case .vonage:
                #expect(response.status == .unprocessableContent)
                #expect(body["title"] as? String == "Invalid recipient")
            }
        }
    }

    @Test(arguments: SandboxProvider.allCases)
    func answersServerErrorOnEveryAttempt(provider: SandboxProvider) async throws {
        try await SandboxHarness.run { sandbox in
            for _ in 0..<3 {
                let status = try await send(sandbox, provider, to: MagicNumber.alwaysServerError.e164).status
                #expect(status == .internalServerError)
            }
            let first = try await send(sandbox, provider, to: MagicNumber.serverErrorOnce.e164).status
            let second = try await send(sandbox, provider, to: MagicNumber.serverErrorOnce.e164).status
            #expect(first == .internalServerError)
            #expect(second == success(provider))
        }
    }

    @Test(arguments: [
        (SandboxProvider.twilio, ["sent", "undelivered"], "30003"),
        (SandboxProvider.telnyx, ["sent", "delivery_failed"], "40008"),
        (SandboxProvider.vonage, ["submitted", "rejected"], "1260"),
    ])
    func acceptsThenReportsFailedDelivery(provider: SandboxProvider, statuses: [String], code: String) async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await send(sandbox, provider, to: MagicNumber.undelivered.e164, callbackPath: "/hooks")
            #expect(response.status == success(provider))
            let callbacks = await sandbox.receiver.waitFor(path: "/hooks", count: 2)
            try #require(callbacks.count == 2)
            let final = callbacks[1].body
            switch provider {
            case .twilio:
                let fields = formDecode(final)
                #expect(callbacks.map { formDecode($0.body).first { $0.name == "MessageStatus" }?.value } == statuses.map(Optional.some))
                #expect(fields.first { $0.name == "ErrorCode" }?.value == code)
            case .telnyx:
                let payload = (try jsonObject(final)["data"] as? [String: Any])?["payload"] as? [String: Any]
                #expect((payload?["to"] as? [[String: Any]])?.first?["status"] as? String == statuses[1])
                #expect((payload?["errors"] as? [[String: Any]])?.first?["code"] as? String == code)
            case .vonage:
                let body = try jsonObject(final)
                #expect(body["status"] as? String == statuses[1])
                #expect((body["error"] as? [String: Any])?["title"] as? String == code)
            }
            let recorded = await eventually { sandbox.state.messages().last?.callbacks.count == 2 }
            #expect(recorded)
            #expect(sandbox.state.messages().last?.callbacks.map(\.status) == statuses)
        }
    }

    @Test func reportsTwilioQueueFailureWithoutSentStep() async throws {
        try await SandboxHarness.run { sandbox in
            #expect(try await send(sandbox, .twilio, to: MagicNumber.failed.e164, callbackPath: "/failed").status == .created)
            let callbacks = await sandbox.receiver.waitFor(path: "/failed", count: 1)
            try await Task.sleep(for: .milliseconds(100))
            #expect(sandbox.receiver.requests(path: "/failed").count == 1)
            let fields = formDecode(try #require(callbacks.first).body)
            #expect(fields.first { $0.name == "MessageStatus" }?.value == "failed")
            #expect(fields.first { $0.name == "ErrorCode" }?.value == "30001")
        }
    }

    @Test func rejectsOptedOutRecipientAtSendOnTwilioAndTelnyx() async throws {
        try await SandboxHarness.run { sandbox in
            let twilio = try await send(sandbox, .twilio, to: MagicNumber.optedOut.e164)
            #expect(twilio.status == .badRequest)
            #expect(try jsonObject(twilio)["code"] as? Int == 21610)
            let telnyx = try await send(sandbox, .telnyx, to: MagicNumber.optedOut.e164)
            #expect((try jsonObject(telnyx)["errors"] as? [[String: Any]])?.first?["code"] as? String == "40300")
            let vonage = try await send(sandbox, .vonage, to: MagicNumber.optedOut.e164, callbackPath: "/vonage")
            #expect(vonage.status == .accepted)
            let callbacks = await sandbox.receiver.waitFor(path: "/vonage", count: 1)
            let body = try jsonObject(try #require(callbacks.first).body)
            #expect(body["status"] as? String == "rejected")
            #expect((body["error"] as? [String: Any])?["title"] as? String == "1240")
        }
    }

    @Test func holdsTheReplyForTheHangTime() async throws {
        try await SandboxHarness.run { sandbox in
            let start = ContinuousClock.now
            let response = try await send(sandbox, .telnyx, to: MagicNumber.hang.e164)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(response.status == .ok)
        }
    }

    @Test func ordinaryNumbersAreNotMagic() {
        #expect(MagicNumber.lookup("+15558675310") == nil)
        #expect(MagicNumber.lookup("15550100400") == MagicNumber.invalidNumber)
        #expect(MagicNumber.lookup("+15550100422") == MagicNumber.throttledTwice)
        #expect(Set(MagicNumber.all.map(\.e164)).count == MagicNumber.all.count)
    }
}
