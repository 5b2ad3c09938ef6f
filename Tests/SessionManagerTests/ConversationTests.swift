import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WireModels

@testable import SessionManager

extension SessionManagerSuite {
    @Suite struct ConversationTests {
        static let conversationKeys: Set<String> = [
            "id", "session_id", "assistant_id", "assistant_name", "customer_phone_number", "assistant_phone_number", "status",
            "message_count", "started_at", "last_activity", "ended_at", "channel",
        ]
        static let messageKeys: Set<String> = [
            "id", "conversation_id", "role", "content", "timestamp", "message_index", "llm_provider", "llm_model",
        ]

        @Test func inboundMessageStartsAConversationWithEverySeedField() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 123, organizationID: 1, name: "Support Bot", number: number)
            try await harness.makeApplication().test(.router) { client in
                let received = Date()
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 123, body: "Can I reschedule?")
                var list = Reply(status: .ok, headers: [:], body: "[]")
                try await eventually {
                    list = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1)
                    return (list.object as? [Any])?.count == 1
                }
                #expect(list.status == .ok)
                #expect(list.header("X-Total-Count") == "1")
                let object = try #require((list.object as? [[String: Any]])?.first)
                #expect(Set(object.keys) == Self.conversationKeys)
                #expect(object["ended_at"] is NSNull)
                let conversation = try #require(try list.json([SMSConversation].self).first)
                #expect(conversation.sessionID == "sms:\(customer):\(number)")
                #expect(conversation.assistantID == 123)
                #expect(conversation.assistantName == "Support Bot")
                #expect(conversation.customerPhoneNumber == customer)
                #expect(conversation.assistantPhoneNumber == number)
                #expect(conversation.status == "active")
                #expect(conversation.messageCount == 1)
                #expect(conversation.channel == "sms")
                let startedAt = try #require(Timestamp.parse(conversation.startedAt))
                #expect(abs(startedAt.timeIntervalSince(received)) < 2)
                #expect(conversation.lastActivity == conversation.startedAt)

                let one = try await client.send(.get, "/api/v1/sms-conversations/\(conversation.id)", organization: 1)
                #expect(one.status == .ok)
                #expect(try one.json(SMSConversation.self) == conversation)

                try await harness.queueOutbound(from: number, to: customer, organizationID: 1, assistantID: 123, body: "Sure. What day works best?")
                var messages: [SMSConversationMessage] = []
                var reply = Reply(status: .ok, headers: [:], body: "[]")
                try await eventually {
                    reply = try await client.send(.get, "/api/v1/sms-conversations/\(conversation.id)/messages", organization: 1)
                    messages = try reply.json()
                    return messages.count == 2
                }
                let rawMessages = try #require(reply.object as? [[String: Any]])
                #expect(rawMessages.allSatisfy { Set($0.keys) == Self.messageKeys })
                #expect(rawMessages.allSatisfy { $0["llm_provider"] is NSNull && $0["llm_model"] is NSNull })
                #expect(messages.map(\.role) == ["user", "assistant"])
                #expect(messages.map(\.content) == ["Can I reschedule?", "Sure. What day works best?"])
                #expect(messages.map(\.messageIndex) == [1, 2])
                #expect(messages.allSatisfy { $0.conversationID == conversation.id })
                #expect(messages[0].id < messages[1].id)

                let updated = try await client.send(.get, "/api/v1/sms-conversations/\(conversation.id)", organization: 1).json(SMSConversation.self)
                #expect(updated.messageCount == 2)
                #expect(updated.lastActivity >= conversation.lastActivity)

                // Events are published right after the commits the API already shows.
                try await eventually {
                    let started = try await harness.events(.conversationStarted).count
                    let added = try await harness.events(.conversationMessageAdded).count
                    return started >= 1 && added >= 2
                }
                let started = try await harness.events(.conversationStarted)
                #expect(started.count == 1)
                #expect(started.first?.conversationID == conversation.id)
                #expect(started.first?.organizationID == 1)
                #expect(started.first?.from == customer && started.first?.to == number)
                let added = try await harness.events(.conversationMessageAdded)
                #expect(added.count == 2)
                #expect(added.allSatisfy { $0.conversationID == conversation.id && $0.messageID != nil })
            }
        }

        @Test func duplicateEventsStoreEachMessageExactlyOnce() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 7, organizationID: 1, number: number)
            try await harness.makeApplication().test(.router) { client in
                let inbound = UUID().uuidString.lowercased()
                let outbound = UUID().uuidString.lowercased()
                for _ in 0..<3 {
                    try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 7, body: "hello", messageID: inbound)
                }
                for _ in 0..<2 {
                    try await harness.queueOutbound(from: number, to: customer, organizationID: 1, assistantID: 7, body: "hi there", messageID: outbound)
                }
                // Assistant id left out: found through the number's directory entry.
                try await harness.queueOutbound(from: number, to: customer, organizationID: 1, assistantID: nil, body: "marker")
                var conversations: [SMSConversation] = []
                try await eventually {
                    conversations = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).json()
                    return conversations.first?.messageCount == 3
                }
                #expect(conversations.count == 1)
                let id = try #require(conversations.first?.id)
                let messages = try await client.send(.get, "/api/v1/sms-conversations/\(id)/messages", organization: 1)
                    .json([SMSConversationMessage].self)
                #expect(messages.map(\.content) == ["hello", "hi there", "marker"])
                #expect(messages.map(\.role) == ["user", "assistant", "assistant"])
                // Replays publish the link again under the same event id, so consumers see it once.
                try await eventually { Set(try await harness.events(.conversationMessageAdded).map(\.eventID)).count >= 3 }
                let added = try await harness.events(.conversationMessageAdded)
                #expect(Set(added.map(\.eventID)).count == 3)
            }
        }

        @Test func listAppliesEveryFilterAndTheLimitBounds() async throws {
            let harness = try await SessionManagerHarness()
            let first = SessionManagerHarness.number()
            let second = SessionManagerHarness.number()
            let (c1, c2, c3) = (SessionManagerHarness.number(), SessionManagerHarness.number(), SessionManagerHarness.number())
            try await harness.publishAssistant(id: 1, organizationID: 1, name: "One", number: first)
            try await harness.publishAssistant(id: 2, organizationID: 1, name: "Two", number: second)
            let january = try #require(Timestamp.parse("2026-01-10T12:00:00Z"))
            let february = try #require(Timestamp.parse("2026-02-10T12:00:00Z"))
            let march = try #require(Timestamp.parse("2026-03-10T12:00:00Z"))
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: c1, to: first, organizationID: 1, assistantID: 1, body: "a", occurredAt: january)
                try await harness.receive(from: c2, to: first, organizationID: 1, assistantID: 1, body: "b", occurredAt: february)
                try await harness.receive(from: c3, to: second, organizationID: 1, assistantID: 2, body: "c", occurredAt: march)
                try await eventually {
                    try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).header("X-Total-Count") == "3"
                }
                // Clearing c1's session completes its conversation.
                let cleared = try await client.send(.delete, "/api/v1/sms-sessions/\(c1.replacingOccurrences(of: "+", with: "%2B"))/1", organization: 1)
                #expect(cleared.status == .ok)

                func ids(_ query: String) async throws -> [String] {
                    let reply = try await client.send(.get, "/api/v1/sms-conversations/?\(query)", organization: 1)
                    #expect(reply.status == .ok, "\(query): \(reply.body)")
                    let list = try reply.json([SMSConversation].self)
                    #expect(reply.header("X-Total-Count") != nil)
                    return list.map(\.customerPhoneNumber)
                }
                #expect(try await ids("") == [c3, c2, c1])  // newest first
                #expect(try await ids("status=active") == [c3, c2])
                #expect(try await ids("status=completed") == [c1])
                #expect(try await ids("assistant_id=1") == [c2, c1])
                #expect(try await ids("customer_phone=\(c2.replacingOccurrences(of: "+", with: "%2B"))") == [c2])
                #expect(try await ids("date_from=2026-02-01T00:00:00Z") == [c3, c2])
                #expect(try await ids("date_to=2026-02-28T00:00:00Z") == [c2, c1])
                #expect(try await ids("date_from=2026-02-01&date_to=2026-02-28") == [c2])
                #expect(try await ids("status=active&assistant_id=1") == [c2])
                #expect(try await ids("limit=1") == [c3])
                #expect(try await ids("skip=1&limit=1") == [c2])
                #expect(try await ids("skip=5") == [])
                #expect(try await ids("limit=1000").count == 3)
                let paged = try await client.send(.get, "/api/v1/sms-conversations/?limit=1", organization: 1)
                #expect(paged.header("X-Total-Count") == "3")
                let unpaged = try await client.send(.get, "/api/v1/sms-conversations", organization: 1)
                #expect(unpaged.status == .ok)

                for bad in [
                    "limit=0", "limit=1001", "limit=x", "skip=-1", "status=archived", "assistant_id=abc", "date_from=yesterday",
                    "date_to=2026-13-45",
                ] {
                    let reply = try await client.send(.get, "/api/v1/sms-conversations/?\(bad)", organization: 1)
                    #expect(reply.status == .unprocessableContent, "\(bad)")
                    #expect(reply.detail != nil)
                }
            }
        }

        @Test func exportIsAFileDownloadInEachFormat() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 5, organizationID: 1, name: "Support Bot", number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 5, body: "Hello, \"world\"")
                try await harness.queueOutbound(from: number, to: customer, organizationID: 1, assistantID: 5, body: "Hi!\nHow can I help?")
                var id = 0
                try await eventually {
                    let list = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).json([SMSConversation].self)
                    id = list.first?.id ?? 0
                    return list.first?.messageCount == 2
                }
                let txt = try await client.send(.get, "/api/v1/sms-conversations/\(id)/export", organization: 1)
                #expect(txt.status == .ok)
                #expect(txt.header("Content-Type") == "text/plain; charset=utf-8")
                #expect(txt.header("Content-Disposition") == "attachment; filename=\"sms_conversation_\(id).txt\"")
                #expect(txt.body.contains("Customer: Hello, \"world\""))
                #expect(txt.body.contains("Assistant: Hi!"))

                let csv = try await client.send(.get, "/api/v1/sms-conversations/\(id)/export?format=csv", organization: 1)
                #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
                #expect(csv.header("Content-Disposition") == "attachment; filename=\"sms_conversation_\(id).csv\"")
                let lines = csv.body.components(separatedBy: "\r\n")
                #expect(lines[0] == "message_index,timestamp,role,content,llm_provider,llm_model")
                #expect(lines[1].hasPrefix("1,") && lines[1].hasSuffix(",user,\"Hello, \"\"world\"\"\",,"))
                #expect(csv.body.contains("assistant,\"Hi!\nHow can I help?\",,"))

                let json = try await client.send(.get, "/api/v1/sms-conversations/\(id)/export?format=json", organization: 1)
                #expect(json.header("Content-Type") == "application/json")
                #expect(json.header("Content-Disposition") == "attachment; filename=\"sms_conversation_\(id).json\"")
                let document = try #require(json.object as? [String: Any])
                #expect((document["conversation"] as? [String: Any])?["id"] as? Int == id)
                #expect((document["messages"] as? [Any])?.count == 2)

                let bad = try await client.send(.get, "/api/v1/sms-conversations/\(id)/export?format=xml", organization: 1)
                #expect(bad.status == .unprocessableContent)
                #expect(bad.detail == "format must be one of txt, csv, json")
                let missing = try await client.send(.get, "/api/v1/sms-conversations/999999/export?format=csv", organization: 1)
                #expect(missing.status == .notFound)
            }
        }

        @Test func relatedListsRecordsOfTheSameCustomerAndAssistant() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            let other = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 9, organizationID: 1, number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 9, body: "first")
                try await harness.receive(from: other, to: number, organizationID: 1, assistantID: 9, body: "someone else")
                try await eventually {
                    try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).header("X-Total-Count") == "2"
                }
                let path = "/api/v1/sms-sessions/\(customer.replacingOccurrences(of: "+", with: "%2B"))/9"
                #expect(try await client.send(.delete, path, organization: 1).status == .ok)
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 9, body: "second")
                let voice = CallIngestRecord(
                    organizationID: 1, callSID: "CA-related", assistantID: 9, toPhoneNumber: number, customerPhoneNumber: customer,
                    status: "completed", duration: 60, startedAt: "2025-12-01T10:00:00Z", endedAt: "2025-12-01T10:01:00Z")
                _ = try await harness.redis.xadd(
                    RedisKey.callsIngest, fields: [("payload", String(decoding: try JSONEncoder().encode(voice), as: UTF8.self))])
                var current = 0
                try await eventually {
                    let list = try await client.send(.get, "/api/v1/sms-conversations/?customer_phone=\(customer.replacingOccurrences(of: "+", with: "%2B"))&status=active", organization: 1)
                        .json([SMSConversation].self)
                    current = list.first?.id ?? 0
                    let calls = try await client.send(.get, "/api/v1/calls?call_sid=CA-related", organization: 1).json(PaginatedCallsResponse.self)
                    return current != 0 && calls.total == 1
                }
                let reply = try await client.send(.get, "/api/v1/sms-conversations/\(current)/related", organization: 1)
                #expect(reply.status == .ok)
                let related = try reply.json([RelatedConversation].self)
                #expect(related.count == 3)
                #expect(related.map(\.channel) == ["sms", "sms", "voice"])
                #expect(related.map(\.isCurrent) == [true, false, false])
                #expect(related[0].status == "active" && related[0].duration == nil && related[0].endedAt == nil)
                #expect(related[0].callSID == "sms_\(current)")
                #expect(related[0].direction == "inbound")
                #expect(related[1].status == "completed" && related[1].endedAt != nil)
                #expect(related[2].callSID == "CA-related" && related[2].duration == 60)
                let keys = Set(((reply.object as? [[String: Any]])?.first ?? [:]).keys)
                #expect(keys == ["id", "call_sid", "channel", "direction", "status", "duration", "message_count", "started_at", "ended_at", "is_current"])
            }
        }

        @Test func archiveMarksTheRecordDeletedPurgesMessagesAndStartsFresh() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 11, organizationID: 1, number: number)
            try await harness.makeApplication().test(.router) { client in
                let first = try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 11, body: "one")
                try await harness.queueOutbound(from: number, to: customer, organizationID: 1, assistantID: 11, body: "two")
                var id = 0
                try await eventually {
                    let list = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).json([SMSConversation].self)
                    id = list.first?.id ?? 0
                    return list.first?.messageCount == 2
                }
                let sessionKey = RedisKey.session(customerPhone: customer, assistantID: 11)
                #expect(try await harness.redis.command("EXISTS", sessionKey).int == 1)

                let archived = try await client.send(.delete, "/api/v1/sms-conversations/\(id)", organization: 1)
                #expect(archived.status == .ok)
                let body = try #require(archived.object as? [String: Any])
                #expect(body["success"] as? Bool == true)
                #expect(body["message"] as? String == "SMS conversation archived successfully")

                for path in ["", "/messages", "/related", "/export"] {
                    let reply = try await client.send(.get, "/api/v1/sms-conversations/\(id)\(path)", organization: 1)
                    #expect(reply.status == .notFound, "\(path)")
                    #expect(reply.detail == "SMS conversation not found")
                }
                #expect(try await client.send(.delete, "/api/v1/sms-conversations/\(id)", organization: 1).status == .notFound)
                let list = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1)
                #expect(list.body == "[]" && list.header("X-Total-Count") == "0")
                #expect(try await harness.redis.command("EXISTS", sessionKey).int == 0)
                let events = try await harness.events(.conversationArchived)
                #expect(events.map(\.conversationID) == [id])
                #expect(events.first?.organizationID == 1)

                // The call record stays, marked deleted, and its chat messages are gone.
                let calls = try await client.send(.get, "/api/v1/calls", organization: 1)
                let item = try #require(((calls.object as? [String: Any])?["items"] as? [[String: Any]])?.first)
                #expect((item["call_meta"] as? [String: Any])?["sms_deleted"] as? Bool == true)
                #expect(item["status"] as? String == "completed")
                let database = try DatabaseQueue(path: harness.dataDirectory.appendingPathComponent("session-manager.sqlite").path)
                let archivedID = id
                let remaining = try await database.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chat_messages WHERE conversation_id = ?", arguments: [archivedID])
                }
                #expect(remaining == 0)

                // A replay of an archived message brings nothing back; a new message starts afresh.
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 11, body: "one", messageID: first)
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 11, body: "three")
                var fresh: [SMSConversation] = []
                try await eventually {
                    fresh = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).json()
                    return fresh.count == 1
                }
                #expect(fresh[0].id != id)
                #expect(fresh[0].messageCount == 1)
                #expect(fresh[0].status == "active")
                let messages = try await client.send(.get, "/api/v1/sms-conversations/\(fresh[0].id)/messages", organization: 1)
                    .json([SMSConversationMessage].self)
                #expect(messages.map(\.content) == ["three"])
            }
        }

        @Test func anotherOrganizationSeesNoneOfIt() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 21, organizationID: 1, number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 1, assistantID: 21, body: "private")
                var id = 0
                try await eventually {
                    id = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1).json([SMSConversation].self).first?.id ?? 0
                    return id != 0
                }
                let list = try await client.send(.get, "/api/v1/sms-conversations/", organization: 2)
                #expect(list.body == "[]" && list.header("X-Total-Count") == "0")
                for path in ["", "/messages", "/related", "/export?format=json"] {
                    let reply = try await client.send(.get, "/api/v1/sms-conversations/\(id)\(path)", organization: 2)
                    #expect(reply.status == .notFound, "\(path)")
                    #expect(!reply.body.contains("private") && !reply.body.contains(customer))
                }
                #expect(try await client.send(.delete, "/api/v1/sms-conversations/\(id)", organization: 2).status == .notFound)
                #expect(try await client.send(.get, "/api/v1/sms-conversations/\(id)", organization: 1).status == .ok)
                let sessions = try await client.send(.get, "/api/v1/sms-sessions/", organization: 2)
                #expect((sessions.object as? [String: Any]).flatMap { $0["data"] as? [String: Any] }?["active_sessions"] as? Int == 0)
                let clearOne = try await client.send(.delete, "/api/v1/sms-sessions/\(customer.replacingOccurrences(of: "+", with: "%2B"))/21", organization: 2)
                #expect(clearOne.status == .notFound)
                let clearAll = try await client.send(.delete, "/api/v1/sms-sessions/", organization: 2)
                #expect((clearAll.object as? [String: Any])?["cleared_count"] as? Int == 0)
                let calls = try await client.send(.get, "/api/v1/calls", organization: 2).json(PaginatedCallsResponse.self)
                #expect(calls.total == 0 && calls.items.isEmpty)
                #expect(try await harness.redis.command("EXISTS", RedisKey.session(customerPhone: customer, assistantID: 21)).int == 1)

                let noOrganization = try await client.send(.get, "/api/v1/sms-conversations/", organization: nil)
                #expect(noOrganization.status == .badRequest)
                #expect(noOrganization.detail != nil)
                let noToken = try await client.send(.get, "/api/v1/sms-conversations/", organization: 1, token: nil)
                #expect(noToken.status == .unauthorized)
                let notANumber = try await client.send(.get, "/api/v1/sms-conversations/abc", organization: 1)
                #expect(notANumber.status == .notFound)
            }
        }
    }
}
