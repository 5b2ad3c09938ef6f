import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WireModels

@testable import SessionManager

extension SessionManagerSuite {
    @Suite struct CallTests {
        static let callKeys: Set<String> = [
            "id", "call_sid", "assistant_id", "assistant_name", "flow_name", "to_phone_number", "customer_phone_number", "status",
            "duration", "started_at", "ended_at", "call_meta", "total_cost", "llm_cost", "tts_cost", "stt_cost", "telephony_cost",
            "cost_currency",
        ]

        static func push(_ harness: SessionManagerHarness, _ record: CallIngestRecord) async throws {
            try await pushRaw(harness, String(decoding: try JSONEncoder().encode(record), as: UTF8.self))
        }

        static func pushRaw(_ harness: SessionManagerHarness, _ payload: String, field: String = "payload") async throws {
            _ = try await harness.redis.xadd(RedisKey.callsIngest, fields: [(field, payload)])
        }

        @Test func ingestedVoiceCallsAppearWithEveryFieldAndTheCostFields() async throws {
            let harness = try await SessionManagerHarness()
            try await harness.publishAssistant(id: 123, organizationID: 5, name: "ServiceBot")
            try await harness.makeApplication().test(.router) { client in
                try await Self.push(
                    harness,
                    CallIngestRecord(
                        organizationID: 5, callSID: "CA0001", assistantID: 123, flowName: "Customer Support Flow",
                        toPhoneNumber: "+15551234567", customerPhoneNumber: "+15559876543", status: "completed", duration: 180,
                        startedAt: "2024-01-15T10:00:00Z", endedAt: "2024-01-15T10:03:00Z",
                        callMeta: ["customer_id": .string("cust_abc123"), "campaign": .string("winter_outreach")], totalCost: 0.05,
                        llmCost: 0.02, ttsCost: 0.01, sttCost: 0.01, telephonyCost: 0.01, costCurrency: "USD"))
                var reply = Reply(status: .ok, headers: [:], body: "")
                try await eventually {
                    reply = try await client.send(.get, "/api/v1/calls", organization: 5)
                    return try reply.json(PaginatedCallsResponse.self).total == 1
                }
                let object = try #require(reply.object as? [String: Any])
                #expect(Set(object.keys) == ["items", "total", "skip", "limit"])
                #expect(object["skip"] as? Int == 0 && object["limit"] as? Int == 100)
                let item = try #require((object["items"] as? [[String: Any]])?.first)
                #expect(Set(item.keys) == Self.callKeys)
                let call = try #require(try reply.json(PaginatedCallsResponse.self).items.first)
                #expect(call.callSID == "CA0001")
                #expect(call.assistantID == 123)
                #expect(call.assistantName == "ServiceBot")  // from the directory: the record left it out
                #expect(call.flowName == "Customer Support Flow")
                #expect(call.toPhoneNumber == "+15551234567" && call.customerPhoneNumber == "+15559876543")
                #expect(call.status == "completed" && call.duration == 180)
                #expect(call.startedAt.flatMap(Timestamp.parse) == Timestamp.parse("2024-01-15T10:00:00Z"))
                #expect(call.endedAt.flatMap(Timestamp.parse) == Timestamp.parse("2024-01-15T10:03:00Z"))
                #expect(call.callMeta == ["customer_id": .string("cust_abc123"), "campaign": .string("winter_outreach")])
                #expect(call.totalCost == 0.05 && call.llmCost == 0.02 && call.ttsCost == 0.01)
                #expect(call.sttCost == 0.01 && call.telephonyCost == 0.01 && call.costCurrency == "USD")

                // Pushed again (the same call SID) the record is updated, not duplicated.
                try await Self.push(
                    harness,
                    CallIngestRecord(
                        organizationID: 5, callSID: "CA0001", assistantID: 123, assistantName: "Renamed", toPhoneNumber: "+15551234567",
                        customerPhoneNumber: "+15559876543", status: "failed", startedAt: "2024-01-15T10:00:00Z"))
                try await eventually {
                    try await client.send(.get, "/api/v1/calls", organization: 5).json(PaginatedCallsResponse.self).items.first?.status == "failed"
                }
                let updated = try await client.send(.get, "/api/v1/calls", organization: 5).json(PaginatedCallsResponse.self)
                #expect(updated.total == 1)
                #expect(updated.items.first?.assistantName == "Renamed" && updated.items.first?.totalCost == nil)
                let nulls = try #require(((try await client.send(.get, "/api/v1/calls", organization: 5)).object as? [String: Any])?["items"] as? [[String: Any]])
                #expect(nulls.first?["total_cost"] is NSNull && nulls.first?["ended_at"] is NSNull)

                let other = try await client.send(.get, "/api/v1/calls", organization: 6).json(PaginatedCallsResponse.self)
                #expect(other.total == 0 && other.items.isEmpty)
            }
        }

        @Test func invalidIngestEntriesAreLoggedAndSkipped() async throws {
            let harness = try await SessionManagerHarness()
            try await harness.publishAssistant(id: 50, organizationID: 5)
            try await harness.publishAssistant(id: 60, organizationID: 6)
            try await harness.makeApplication().test(.router) { client in
                let valid = CallIngestRecord(
                    organizationID: 5, callSID: "CA-valid", assistantID: 50, toPhoneNumber: "+15550000001",
                    customerPhoneNumber: "+15550000002", status: "ongoing", startedAt: "2026-01-01T00:00:00Z")
                var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(valid)) as? [String: Any])
                func variant(_ change: (inout [String: Any]) -> Void) throws -> String {
                    var copy = json
                    change(&copy)
                    return String(decoding: try JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
                }
                try await Self.pushRaw(harness, "not json")
                try await Self.pushRaw(harness, try variant { $0["call_sid"] = nil })
                try await Self.pushRaw(harness, try variant { $0["status"] = "ringing" })
                try await Self.pushRaw(harness, try variant { $0["duration"] = -5 })
                try await Self.pushRaw(harness, try variant { $0["started_at"] = "last tuesday" })
                try await Self.pushRaw(harness, try variant { $0["schema_version"] = 2 })
                try await Self.pushRaw(harness, try variant { $0["assistant_id"] = 60 })
                try await Self.pushRaw(harness, try variant { $0["total_cost"] = -1 })
                try await Self.pushRaw(harness, String(decoding: try JSONEncoder().encode(valid), as: UTF8.self), field: "data")
                json["call_sid"] = "CA-valid"
                try await Self.push(harness, valid)
                try await eventually {
                    try await client.send(.get, "/api/v1/calls", organization: 5).json(PaginatedCallsResponse.self).total == 1
                }
                let skipped = harness.logs.text.components(separatedBy: "skipping invalid calls:ingest entry").count - 1
                #expect(skipped == 9)
                #expect(harness.logs.text.contains("status must be ongoing, completed or failed"))
                let pending = try await harness.redis.command("XPENDING", RedisKey.callsIngest, RedisKey.sessionManagerGroup)
                #expect(pending.array?.first?.int == 0)
                #expect(try await client.send(.get, "/api/v1/calls", organization: 6).json(PaginatedCallsResponse.self).total == 0)
            }
        }

        @Test func filtersCombineWithAndNewestFirstWithPagination() async throws {
            let harness = try await SessionManagerHarness()
            try await harness.publishAssistant(id: 1, organizationID: 5, name: "Support Agent")
            try await harness.publishAssistant(id: 2, organizationID: 5, name: "Sales Bot")
            try await harness.makeApplication().test(.router) { client in
                let records = [
                    CallIngestRecord(organizationID: 5, callSID: "CAaaa111", assistantID: 1, toPhoneNumber: "+15550000100",
                                     customerPhoneNumber: "+15551110001", status: "completed", duration: 30, startedAt: "2024-01-05T10:00:00Z"),
                    CallIngestRecord(organizationID: 5, callSID: "CAbbb222", assistantID: 1, toPhoneNumber: "+15550000100",
                                     customerPhoneNumber: "+15552220002", status: "failed", duration: 0, startedAt: "2024-01-10T10:00:00Z"),
                    CallIngestRecord(organizationID: 5, callSID: "CAccc333", assistantID: 2, toPhoneNumber: "+15550000200",
                                     customerPhoneNumber: "+15551110003", status: "completed", duration: 300, startedAt: "2024-02-01T10:00:00Z"),
                    CallIngestRecord(organizationID: 5, callSID: "CAddd444", assistantID: 2, toPhoneNumber: "+15550000200",
                                     customerPhoneNumber: "+15553330004", status: "ongoing", startedAt: "2024-03-01T10:00:00Z"),
                ]
                for record in records { try await Self.push(harness, record) }
                try await eventually {
                    try await client.send(.get, "/api/v1/calls", organization: 5).json(PaginatedCallsResponse.self).total == 4
                }
                func sids(_ query: String) async throws -> [String] {
                    let reply = try await client.send(.get, "/api/v1/calls?\(query)", organization: 5)
                    #expect(reply.status == .ok, "\(query): \(reply.body)")
                    let page = try reply.json(PaginatedCallsResponse.self)
                    #expect(page.total >= page.items.count)
                    return page.items.map(\.callSID)
                }
                #expect(try await sids("") == ["CAddd444", "CAccc333", "CAbbb222", "CAaaa111"])
                #expect(try await sids("status=completed") == ["CAccc333", "CAaaa111"])
                #expect(try await sids("status=ongoing") == ["CAddd444"])
                #expect(try await sids("assistant_id=1") == ["CAbbb222", "CAaaa111"])
                #expect(try await sids("customer_phone=111000") == ["CAccc333", "CAaaa111"])
                #expect(try await sids("customer_phone=%2B1555222") == ["CAbbb222"])
                #expect(try await sids("call_sid=bbb") == ["CAbbb222"])
                #expect(try await sids("call_sid=CCC3") == ["CAccc333"])
                #expect(try await sids("assistant_name=support") == ["CAbbb222", "CAaaa111"])
                #expect(try await sids("assistant_name=BOT") == ["CAddd444", "CAccc333"])
                #expect(try await sids("date_from=2024-01-10T00:00:00Z") == ["CAddd444", "CAccc333", "CAbbb222"])
                #expect(try await sids("date_to=2024-01-31T23:59:59Z") == ["CAbbb222", "CAaaa111"])
                #expect(try await sids("min_duration=30") == ["CAccc333", "CAaaa111"])
                #expect(try await sids("max_duration=30") == ["CAbbb222", "CAaaa111"])
                #expect(try await sids("min_duration=1&max_duration=100") == ["CAaaa111"])
                #expect(try await sids("status=completed&assistant_name=support") == ["CAaaa111"])
                #expect(try await sids("status=completed&assistant_id=2&date_from=2024-01-01T00:00:00Z&customer_phone=1110003") == ["CAccc333"])
                #expect(try await sids("call_sid=%25") == [])  // LIKE wildcards are literal
                #expect(try await sids("skip=1&limit=2") == ["CAccc333", "CAbbb222"])
                let page = try await client.send(.get, "/api/v1/calls?skip=3&limit=2", organization: 5).json(PaginatedCallsResponse.self)
                #expect(page.total == 4 && page.skip == 3 && page.limit == 2 && page.items.map(\.callSID) == ["CAaaa111"])
                let slash = try await client.send(.get, "/api/v1/calls/?limit=1000", organization: 5).json(PaginatedCallsResponse.self)
                #expect(slash.items.count == 4 && slash.limit == 1000)

                for bad in [
                    "limit=0", "limit=1001", "skip=-1", "status=busy", "assistant_id=x", "min_duration=-1", "max_duration=abc",
                    "date_from=nope", "date_to=2024-99-99",
                ] {
                    let reply = try await client.send(.get, "/api/v1/calls?\(bad)", organization: 5)
                    #expect(reply.status == .unprocessableContent, "\(bad)")
                    #expect(reply.detail != nil)
                }
                #expect(try await client.send(.get, "/api/v1/calls", organization: nil).status == .badRequest)
            }
        }

        @Test func smsConversationsAppearAsCallRecords() async throws {
            let harness = try await SessionManagerHarness()
            let number = SessionManagerHarness.number()
            let customer = SessionManagerHarness.number()
            try await harness.publishAssistant(id: 70, organizationID: 7, name: "Texter", number: number)
            try await harness.makeApplication().test(.router) { client in
                try await harness.receive(from: customer, to: number, organizationID: 7, assistantID: 70, body: "hi")
                var page = PaginatedCallsResponse(items: [], total: 0, skip: 0, limit: 0)
                try await eventually {
                    page = try await client.send(.get, "/api/v1/calls", organization: 7).json()
                    return page.total == 1
                }
                let conversation = try #require(
                    try await client.send(.get, "/api/v1/sms-conversations/", organization: 7).json([SMSConversation].self).first)
                let call = try #require(page.items.first)
                #expect(call.id == conversation.id)
                #expect(call.callSID == "sms_\(conversation.id)")
                #expect(call.assistantID == 70 && call.assistantName == "Texter")
                #expect(call.toPhoneNumber == number && call.customerPhoneNumber == customer)
                #expect(call.status == "ongoing" && call.duration == nil && call.endedAt == nil)
                #expect(call.callMeta?["channel"] == .string("sms"))
                #expect(call.callMeta?["session_id"] == .string("sms:\(customer):\(number)"))
                #expect(call.totalCost == nil && call.costCurrency == nil)
                #expect(try await client.send(.get, "/api/v1/calls?call_sid=sms_", organization: 7).json(PaginatedCallsResponse.self).total == 1)
                #expect(try await client.send(.get, "/api/v1/calls?status=ongoing", organization: 7).json(PaginatedCallsResponse.self).total == 1)
            }
        }
    }
}
