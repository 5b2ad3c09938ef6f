import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WireModels

@testable import SessionManager

extension SessionManagerSuite {
    @Suite struct SessionTests {
        @Test func sessionDocumentNamesTheConversationAndEveryMessageRefreshesItsTTL() async throws {
            let harness = try await SessionManagerHarness(environment: ["SESSION_TTL_SECONDS": "4"])
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 31, organizationID: 3, number: number)
            let key = RedisKey.session(customerPhone: customer, assistantID: 31)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 3, assistantID: 31, body: "hi")
                try await eventually { try await harness.redis.command("EXISTS", key).int == 1 }
                let document = try JSONDecoder().decode(
                    SMSSessionDocument.self, from: Data(try #require(try await harness.redis.command("GET", key).string).utf8))
                let conversation = try #require(
                    try await client.send(.get, "/api/v1/sms-conversations/", organization: 3).json([SMSConversation].self).first)
                #expect(document.schemaVersion == 1)
                #expect(document.conversationID == conversation.id)
                #expect(document.sessionID == "sms:\(customer):\(number)")
                #expect(document.organizationID == 3 && document.assistantID == 31)
                #expect(document.customerPhoneNumber == customer && document.assistantPhoneNumber == number)
                #expect(document.startedAt == conversation.startedAt)
                #expect(document.messageCount == 1)
                let firstTTL = try #require(try await harness.redis.command("PTTL", key).int)
                #expect(firstTTL > 2000 && firstTTL <= 4000)
                #expect(try await harness.redis.command("TTL", RedisKey.sessionIndex(organizationID: 3)).int ?? 0 > 0)

                try await Task.sleep(for: .milliseconds(2000))
                #expect(try await harness.redis.command("PTTL", key).int ?? 0 < 2100)
                try await harness.receive(from: customer, to: number, organizationID: 3, assistantID: 31, body: "still there?")
                try await eventually {
                    let json = try await harness.redis.command("GET", key).string ?? "{}"
                    return (try? JSONDecoder().decode(SMSSessionDocument.self, from: Data(json.utf8)))?.messageCount == 2
                }
                #expect(try await harness.redis.command("PTTL", key).int ?? 0 > 3000)
                let summary = try await client.send(.get, "/api/v1/sms-sessions/", organization: 3).json(SMSSessionsSummaryResponse.self)
                #expect(summary == SMSSessionsSummaryResponse(activeSessions: 1, ttlSeconds: 4))
            }
        }

        @Test func expiredSessionCompletesItsConversationAndTheNextMessageStartsANewOne() async throws {
            let harness = try await SessionManagerHarness(environment: ["SESSION_TTL_SECONDS": "1"])
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 32, organizationID: 3, number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 3, assistantID: 32, body: "before")
                var first: SMSConversation?
                try await eventually {
                    first = try await client.send(.get, "/api/v1/sms-conversations/", organization: 3).json([SMSConversation].self).first
                    return first != nil
                }
                let id = try #require(first?.id)
                #expect(first?.status == "active")
                var completed: SMSConversation?
                try await eventually(timeout: .seconds(8)) {
                    completed = try await client.send(.get, "/api/v1/sms-conversations/\(id)", organization: 3).json(SMSConversation.self)
                    return completed?.status == "completed"
                }
                let endedAt = try #require(completed?.endedAt.flatMap(Timestamp.parse))
                let lastActivity = try #require(completed.flatMap { Timestamp.parse($0.lastActivity) })
                #expect(endedAt.timeIntervalSince(lastActivity) <= 1.01)
                #expect(endedAt >= lastActivity)
                // The event is published right after the commit that completed the conversation.
                var completedEvents: [MessageEvent] = []
                try await eventually {
                    completedEvents = try await harness.events(.conversationCompleted)
                    return !completedEvents.isEmpty
                }
                #expect(completedEvents.map(\.conversationID) == [id])
                let calls = try await client.send(.get, "/api/v1/calls?status=completed", organization: 3).json(PaginatedCallsResponse.self)
                #expect(calls.items.first?.duration != nil)

                try await harness.receive(from: customer, to: number, organizationID: 3, assistantID: 32, body: "after")
                var all: [SMSConversation] = []
                try await eventually {
                    all = try await client.send(.get, "/api/v1/sms-conversations/", organization: 3).json()
                    return all.count == 2
                }
                #expect(all[0].id != id && all[0].status == "active" && all[0].messageCount == 1)
                #expect(all[1].id == id && all[1].messageCount == 1)
            }
        }

        @Test func sessionEndpointsCountClearAndCleanUpTheCallersSessions() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let (c1, c2) = (SessionManagerHarness.number(), SessionManagerHarness.number())
            try await harness.publishAssistant(id: 33, organizationID: 3, number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: c1, to: number, organizationID: 3, assistantID: 33, body: "one")
                try await harness.receive(from: c2, to: number, organizationID: 3, assistantID: 33, body: "two")
                try await eventually {
                    let summary = try await client.send(.get, "/api/v1/sms-sessions/", organization: 3).json(SMSSessionsSummaryResponse.self)
                    return summary.data.activeSessions == 2
                }
                let raw = try await client.send(.get, "/api/v1/sms-sessions", organization: 3)
                #expect(raw.body == #"{"data":{"active_sessions":2,"ttl_seconds":86400},"success":true}"#)

                let one = try await client.send(.delete, "/api/v1/sms-sessions/\(c1.replacingOccurrences(of: "+", with: "%2B"))/33", organization: 3)
                #expect(one.status == .ok)
                #expect(one.body == #"{"message":"SMS session cleared","success":true}"#)
                let again = try await client.send(.delete, "/api/v1/sms-sessions/\(c1.replacingOccurrences(of: "+", with: "%2B"))/33", organization: 3)
                #expect(again.status == .notFound)
                #expect(again.detail == "SMS session not found")
                let badAssistant = try await client.send(.delete, "/api/v1/sms-sessions/\(c1)/abc", organization: 3)
                #expect(badAssistant.status == .unprocessableContent)
                let conversations = try await client.send(.get, "/api/v1/sms-conversations/?customer_phone=\(c1.replacingOccurrences(of: "+", with: "%2B"))", organization: 3)
                    .json([SMSConversation].self)
                #expect(conversations.first?.status == "completed")
                #expect(conversations.first?.endedAt != nil)

                let cleanup = try await client.send(.post, "/api/v1/sms-sessions/cleanup", organization: 3)
                #expect(cleanup.status == .ok)
                #expect(cleanup.body == #"{"cleaned_count":0,"message":"Expired SMS sessions cleaned up","success":true}"#)

                let all = try await client.send(.delete, "/api/v1/sms-sessions/", organization: 3)
                #expect(all.body == #"{"cleared_count":1,"message":"SMS sessions cleared","success":true}"#)
                let summary = try await client.send(.get, "/api/v1/sms-sessions/", organization: 3).json(SMSSessionsSummaryResponse.self)
                #expect(summary.data.activeSessions == 0)
                let active = try await client.send(.get, "/api/v1/sms-conversations/?status=active", organization: 3)
                #expect(active.header("X-Total-Count") == "0")
                #expect(try await harness.events(.conversationCompleted).count == 2)
            }
        }

        @Test func cleanupCompletesConversationsWhoseSessionsExpired() async throws {
            // A sweeper that would not run during the test: only the endpoint cleans up.
            let harness = try await SessionManagerHarness(environment: ["SESSION_TTL_SECONDS": "1", "SESSION_SWEEP_INTERVAL_SECONDS": "3600"])
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 34, organizationID: 3, number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 3, assistantID: 34, body: "hi")
                try await eventually {
                    try await client.send(.get, "/api/v1/sms-conversations/?status=active", organization: 3).header("X-Total-Count") == "1"
                }
                try await Task.sleep(for: .milliseconds(1300))
                let other = try await client.send(.post, "/api/v1/sms-sessions/cleanup", organization: 4)
                #expect((other.object as? [String: Any])?["cleaned_count"] as? Int == 0)
                let cleanup = try await client.send(.post, "/api/v1/sms-sessions/cleanup", organization: 3)
                #expect((cleanup.object as? [String: Any])?["cleaned_count"] as? Int == 1)
                let completed = try await client.send(.get, "/api/v1/sms-conversations/?status=completed", organization: 3)
                #expect(completed.header("X-Total-Count") == "1")
            }
        }
    }
}
