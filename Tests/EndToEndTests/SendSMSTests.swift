import AsyncHTTPClient
import Foundation
import NIOCore
import ProviderSandboxKit
import Testing
import WireModels

/// POST /sms/send and its related endpoints, through the gateway, the sender and the sandbox.
@Suite(.serialized) struct SendSMSTests {
    static func body(from: String, to: String = "+15557654321", message: String = "Hello!", extra: String = "") -> String {
        #"{"from_phone_number":"\#(from)","to_phone_number":"\#(to)","message":"\#(message)"\#(extra)}"#
    }

    @Test func queuedSendIsSentThroughTheNumbersProviderAndItsStatusAndDeliveryShowIt() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            for (provider, number) in stack.numbers {
                let (status, body) = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number))
                #expect(status == 200, "\(body)")
                let response = try JSONDecoder().decode(SendSMSResponse.self, from: Data(body.utf8))
                #expect(response.success)
                #expect(response.provider == provider)
                #expect(response.status == "queued")
                #expect(response.message == "SMS queued successfully via \(provider)")
                // The sandbox's callbacks come back through webhook-ingest: sent, then delivered.
                let delivered = try await stack.eventually {
                    let (_, json) = try await stack.call(.GET, "/sms/\(response.messageID)/status", tenant)
                    return jsonString(json, key: "delivery_status") == "delivered"
                }
                let (_, statusJSON) = try await stack.call(.GET, "/sms/\(response.messageID)/status", tenant)
                #expect(delivered, "\(provider): \(statusJSON)")
                let state = try JSONDecoder().decode(MessageStatusResponse.self, from: Data(statusJSON.utf8))
                #expect(state.status == .sent)
                #expect(state.providerMessageID?.isEmpty == false)
                #expect(stack.sandboxState.messages(from: number).count == 1)
            }
        }
    }

    @Test func twentyConcurrentIdenticalKeyedRequestsLeadToExactlyOneProviderRequest() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            let number = stack.numbers["telnyx"]!
            for queue in [true, false] {
                let key = "order:\(UUID().uuidString):confirmation"
                let body = Self.body(from: number, message: "Your order shipped (\(queue))", extra: #","queue":\#(queue)"#)
                let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await stack.call(.POST, "/sms/send", tenant, body, headers: [("Idempotency-Key", key)]) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let ok = answers.filter { $0.0 == 200 }
                #expect(ok.count >= 1)
                #expect(answers.allSatisfy { $0.0 == 200 || $0.0 == 409 }, "\(answers.map(\.0))")
                let ids = Set(ok.compactMap { jsonString($0.1, key: "message_id") })
                #expect(ids.count == 1, "every replay answers with the first message id")
                let arrived = try await stack.eventually(.seconds(5)) {
                    stack.sandboxState.messages(from: number).filter { $0.body == "Your order shipped (\(queue))" }.count >= 1
                }
                #expect(arrived)
                try await Task.sleep(for: .milliseconds(500))
                #expect(stack.sandboxState.messages(from: number).filter { $0.body == "Your order shipped (\(queue))" }.count == 1)
            }
        }
    }

    @Test func theSameKeyWithADifferentRequestIs422AndSendsNothing() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            let number = stack.numbers["twilio"]!
            let first = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number, extra: #","idempotency_key":"k-1""#))
            #expect(first.0 == 200)
            // The header wins over the body: same key through the header, different message.
            let other = try await stack.call(
                .POST, "/sms/send", tenant, Self.body(from: number, message: "Different", extra: #","idempotency_key":"unused""#),
                headers: [("Idempotency-Key", "k-1")])
            #expect(other.0 == 422)
            let replay = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number), headers: [("Idempotency-Key", "k-1")])
            #expect(replay.0 == 200)
            #expect(jsonString(replay.1, key: "message_id") == jsonString(first.1, key: "message_id"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(stack.sandboxState.messages(from: number).map(\.body) == ["Hello!"])
        }
    }

    @Test func badRequestsGetTheSeedsErrorsAndChangeNothing() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            let from = stack.numbers["vonage"]!
            let cases: [(String, Int, String?)] = [
                (#"{"to_phone_number":"+15551234567","message":"x"}"#, 400, "Missing required field: from_phone_number"),
                (#"{"from_phone_number":"\#(from)","message":"x"}"#, 400, "Missing required field: to_phone_number"),
                (#"{"from_phone_number":"\#(from)","to_phone_number":"+15551234567"}"#, 400, "Missing required field: message"),
                (Self.body(from: from, to: "(123) 456-7890"), 400, "Invalid to_phone_number format. Use E.164 format (e.g., +1234567890)"),
                (Self.body(from: from, to: "1234567890"), 400, "Invalid to_phone_number format. Use E.164 format (e.g., +1234567890)"),
                (Self.body(from: from, message: "   "), 400, "Message content cannot be empty"),
                (Self.body(from: from, message: String(repeating: "a", count: 1601)), 400, "Message exceeds maximum length of 1600 characters"),
                (Self.body(from: from, extra: #","idempotency_key":"\#(String(repeating: "k", count: 257))""#), 400, nil),
                (Self.body(from: from, extra: #","queue":"yes""#), 400, nil),
                ("{not json", 400, "Request body is not valid JSON"),
                (Self.body(from: "+19995550000"), 404, "No assistant found for phone number +19995550000"),
            ]
            for (body, status, detail) in cases {
                let reply = try await stack.call(.POST, "/sms/send", tenant, body)
                #expect(reply.0 == status, "\(body.prefix(80)) → \(reply)")
                if let detail { #expect(jsonString(reply.1, key: "detail") == detail) }
            }
            let longest = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: from, message: String(repeating: "é", count: 1600)))
            #expect(longest.0 == 200)
            try await Task.sleep(for: .milliseconds(500))
            #expect(stack.sandboxState.messages(from: from).count == 1, "only the valid send reached the provider")
            #expect(try await stack.call(.POST, "/sms/send", nil, Self.body(from: from)).0 == 401)
        }
    }

    @Test func anotherOrganizationsNumberIs403AndItsMessagesAre404() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            let sent = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: stack.numbers["twilio"]!))
            let messageID = try #require(jsonString(sent.1, key: "message_id"))
            let other = try await stack.setUp(registerNumbers: false)
            let forbidden = try await stack.call(.POST, "/sms/send", other, Self.body(from: stack.numbers["twilio"]!))
            #expect(forbidden.0 == 403)
            #expect(jsonString(forbidden.1, key: "detail") == "Unauthorized: phone number belongs to different organization")
            #expect(try await stack.call(.GET, "/sms/\(messageID)/status", other).0 == 404)
            #expect(try await stack.call(.DELETE, "/sms/\(messageID)", other).0 == 404)
        }
    }

    @Test func aNumberRemovedOrMovedToAnotherOrganizationIsSeenByTheVeryNextSend() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            let number = stack.numbers["twilio"]!
            // Two sends: the second one uses the gateway's cached directory entry.
            for _ in 0..<2 { #expect(try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number)).0 == 200) }
            let listed = try await stack.call(.GET, "/api/v1/phone-numbers", tenant)
            let numberID = try #require(jsonArray(listed.1)?.first { $0["phone_number"] as? String == number }?["id"] as? Int)
            #expect(try await stack.call(.DELETE, "/api/v1/phone-numbers/\(numberID)", tenant).0 == 204)
            let gone = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number))
            #expect(gone.0 == 404)
            #expect(jsonString(gone.1, key: "detail") == "No assistant found for phone number \(number)")

            // The number now belongs to another organization: 403 for the old owner, 200 for the new.
            let other = try await stack.setUp(registerNumbers: false)
            let created = try await stack.call(
                .POST, "/api/v1/phone-numbers", other,
                #"{"phone_number":"\#(number)","provider":"twilio","assistant_id":\#(other.assistantID)}"#)
            #expect(created.0 == 201)
            #expect(try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number)).0 == 403)
            #expect(try await stack.call(.POST, "/sms/send", other, Self.body(from: number)).0 == 200)
        }
    }

    @Test func aKeyOverItsLimitGets429OnSendAndNothingIsQueued() async throws {
        let stack = try Stack(environment: ["API_KEY_RATE_LIMIT_PER_MINUTE": "8"])
        // The limit counts per clock minute: do not straddle a minute boundary.
        let second = Int(Date().timeIntervalSince1970) % 60
        if second > 50 { try await Task.sleep(for: .seconds(61 - second)) }
        try await stack.run { tenant in
            let number = stack.numbers["telnyx"]!
            // A fresh key (the set-up's five calls counted against the bootstrap key).
            let created = try await stack.call(.POST, "/api/v1/users/me/api-keys", tenant, #"{"name":"limited"}"#)
            let key = try #require(jsonString(created.1, key: "key"), "\(created)")
            var statuses: [Int] = []
            var retryAfter: String?
            for index in 0..<10 {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(stack.ports.gateway)/sms/send")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(key)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: Self.body(from: number, message: "limited \(index)")))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                statuses.append(Int(response.status.code))
                if response.status == .tooManyRequests { retryAfter = response.headers.first(name: "Retry-After") }
            }
            #expect(statuses == Array(repeating: 200, count: 8) + [429, 429])
            #expect(retryAfter.flatMap(Int.init).map { (1...60).contains($0) } == true)
            // Only the eight accepted sends ever reach the provider.
            try await Task.sleep(for: .milliseconds(500))
            #expect(stack.sandboxState.messages(from: number).filter { $0.body.hasPrefix("limited ") }.count == 8)
        }
    }

    @Test func immediateSendAnswersSentOrTheSeeds500() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            let number = stack.numbers["telnyx"]!
            let sent = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number, extra: #","queue":false"#))
            #expect(sent.0 == 200)
            #expect(jsonString(sent.1, key: "status") == "sent")
            #expect(jsonString(sent.1, key: "message") == "SMS sent successfully via telnyx")
            #expect(stack.sandboxState.messages(from: number).count == 1, "sent before the answer")
            let failed = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number, to: "+15550100400", extra: #","queue":false"#))
            #expect(failed.0 == 500)
            #expect(jsonString(failed.1, key: "detail") == "Failed to send SMS via telnyx")
        }
    }

    @Test func aCancelledMessageIsNeverSentAndStatsCountTheQueues() async throws {
        let stack = try Stack()
        try await stack.run { tenant in
            // A 429-forever number keeps the message queued for retries long enough to cancel it.
            let number = stack.numbers["vonage"]!
            let queued = try await stack.call(.POST, "/sms/send", tenant, Self.body(from: number, to: "+15550100429"))
            let messageID = try #require(jsonString(queued.1, key: "message_id"))
            var cancelled: (Int, String) = (0, "")
            _ = try await stack.eventually {
                cancelled = try await stack.call(.DELETE, "/sms/\(messageID)", tenant)
                return cancelled.0 == 200
            }
            #expect(cancelled.0 == 200, "\(cancelled)")
            #expect(jsonString(cancelled.1, key: "new_status") == "cancelled")
            #expect(jsonString(cancelled.1, key: "previous_status") == "queued")
            let attempts = stack.sandboxState.messages(to: "+15550100429").count
            try await Task.sleep(for: .milliseconds(600))
            #expect(stack.sandboxState.messages(to: "+15550100429").count == attempts, "no attempt after the cancel")
            let again = try await stack.call(.DELETE, "/sms/\(messageID)", tenant)
            #expect(again.0 == 409)
            let (statsStatus, stats) = try await stack.call(.GET, "/sms/queue/stats", tenant)
            #expect(statsStatus == 200)
            let decoded = try JSONDecoder().decode(QueueStatsResponse.self, from: Data(stats.utf8))
            #expect(Set(decoded.queues.keys) == ["twilio", "telnyx", "vonage"])
        }
    }
}
