import Foundation
import HummingbirdTesting
import Testing
import WireModels

@testable import LogIndexer

extension LogIndexerSuites {
    @Suite struct SMSLogListTests {
        @Test func listShowsEverySeedFieldWithNullsNewestFirst() async throws {
            let harness = try await LogIndexerHarness()
            let org = 9
            let events = EventFactory(organizationID: org)
            try await harness.publishAssistant(id: 123, organizationID: org, name: "Support Bot")
            try await harness.run { client in
                try await harness.publishAndWait([
                    events.outbound(.queued, messageID: "m-1", at: 0),
                    events.outbound(.sending, messageID: "m-1", at: 1, attempt: 1),
                    events.outbound(.sent, messageID: "m-1", at: 2, providerMessageID: "msg_abc123"),
                    events.receipt(.delivered, messageID: "m-1", providerMessageID: "msg_abc123", at: 5, providerStatus: "delivered"),
                    events.inbound(messageID: "in-1", at: 10, body: "Thanks!", assistantID: 999),
                ])
                let reply = try await client.get("/api/v1/sms-logs/?skip=0&limit=100", organization: org)
                #expect(reply.status == .ok)
                let page = try reply.json(SMSLogPage.self)
                #expect(page.total == 2 && page.skip == 0 && page.limit == 100 && page.hasMore == false)
                #expect(page.items.map(\.direction) == ["inbound", "outbound"], "newest first")

                let outbound = try #require(page.items.last)
                #expect(outbound.provider == "telnyx")
                #expect(outbound.providerMessageID == "msg_abc123")
                #expect(outbound.fromNumber == "+15551234567")
                #expect(outbound.toNumber == "+15559876543")
                #expect(outbound.body == "Your appointment is confirmed.")
                #expect(outbound.mediaURLs == [])
                #expect(outbound.segmentCount == 1)
                #expect(outbound.status == "delivered")
                #expect(outbound.providerStatus == "delivered")
                #expect(outbound.errorCode == nil && outbound.errorMessage == nil)
                #expect(outbound.assistantID == 123)
                #expect(outbound.assistantName == "Support Bot")
                #expect(outbound.createdAt == events.time(0))
                #expect(outbound.updatedAt == events.time(5))

                let inbound = try #require(page.items.first)
                #expect(inbound.status == "received")
                #expect(inbound.provider == "twilio")
                #expect(inbound.mediaURLs == ["https://example.com/a.jpg"])
                #expect(inbound.providerStatus == nil)
                #expect(inbound.assistantName == nil, "an assistant missing from the directory has no name")

                // Every seed key is present, nulls included.
                let object = try reply.object()
                #expect(Set(object.keys) == ["items", "total", "skip", "limit", "has_more"])
                let item = try #require((object["items"] as? [[String: Any]])?.first)
                #expect(
                    Set(item.keys) == [
                        "id", "provider", "provider_message_id", "direction", "from_number", "to_number", "body", "media_urls",
                        "segment_count", "status", "provider_status", "error_code", "error_message", "assistant_id",
                        "assistant_name", "created_at", "updated_at",
                    ])
                #expect(item["provider_status"] is NSNull && item["error_code"] is NSNull)
            }
        }

        @Test func listFiltersByEverySeedParameter() async throws {
            let harness = try await LogIndexerHarness()
            let org = 21
            let events = EventFactory(organizationID: org, base: Date().addingTimeInterval(-3 * 86_400))
            try await harness.run { client in
                try await harness.publishAndWait([
                    events.outbound(.queued, messageID: "a", at: 0, provider: "telnyx", to: "+15550000001", body: "Appointment reminder for Monday", assistantID: 1),
                    events.outbound(.failed, messageID: "a", at: 30, provider: "telnyx", to: "+15550000001", body: "Appointment reminder for Monday", assistantID: 1, errorCode: "40300", errorMessage: "Blocked"),
                    events.outbound(.queued, messageID: "b", at: 86_400, provider: "twilio", to: "+15550000002", body: "Your invoice is ready", assistantID: 2),
                    events.outbound(.sent, messageID: "b", at: 86_401, provider: "twilio", to: "+15550000002", body: "Your invoice is ready", assistantID: 2, providerMessageID: "SMb"),
                    events.inbound(messageID: "c", at: 2 * 86_400, provider: "vonage", from: "+15557777777", to: "+15551234567", body: "Can I move my appointment?", assistantID: 1),
                ])
                func ids(_ query: String) async throws -> [String] {
                    let reply = try await client.get("/api/v1/sms-logs/?\(query)", organization: org)
                    #expect(reply.status == .ok, "\(query): \(reply.body)")
                    let page = try reply.json(SMSLogPage.self)
                    #expect(page.total == page.items.count, "\(query)")
                    return page.items.map { $0.body ?? "" }.map { String($0.prefix(4)) }
                }
                #expect(try await ids("") == ["Can ", "Your", "Appo"])
                #expect(try await ids("provider=telnyx") == ["Appo"])
                #expect(try await ids("provider=twilio&status=sent") == ["Your"])
                #expect(try await ids("direction=inbound") == ["Can "])
                #expect(try await ids("direction=outbound") == ["Your", "Appo"])
                #expect(try await ids("status=failed") == ["Appo"])
                #expect(try await ids("status=delivered") == [])
                #expect(try await ids("from_number=%2B15557777777") == ["Can "])
                #expect(try await ids("from_number=+15557777777") == ["Can "], "an unencoded + arrives as a space")
                #expect(try await ids("to_number=%2B15550000002") == ["Your"])
                #expect(try await ids("assistant_id=1") == ["Can ", "Appo"])
                #expect(try await ids("assistant_id=2&direction=inbound") == [])
                #expect(try await ids("date_from=\(events.time(86_400))") == ["Can ", "Your"])
                #expect(try await ids("date_to=\(events.time(86_400))") == ["Your", "Appo"], "date_to is inclusive")
                #expect(try await ids("date_from=\(events.time(1))&date_to=\(events.time(86_401 + 3600))") == ["Your"])
                let day = String(events.time(86_400).prefix(10))
                let firstDay = String(events.time(0).prefix(10))
                #expect(try await ids("date_from=\(firstDay)&date_to=\(firstDay)").contains("Appo"), "a plain date_to covers its whole day")
                #expect(try await ids("date_from=\(day)&date_to=\(day)").contains("Your"))
                #expect(try await ids("search=appointment") == ["Can ", "Appo"])
                #expect(try await ids("search=APPOINT") == ["Can ", "Appo"], "case-insensitive word prefixes")
                #expect(try await ids("search=invoice%20ready") == ["Your"])
                #expect(try await ids("search=appointment&direction=outbound") == ["Appo"])
                #expect(try await ids("search=%22OR%20*%28") == [], "FTS syntax is never interpreted")
                #expect(try await ids("search=zebra") == [])
            }
        }

        @Test func listPagesWithSkipLimitAndHasMore() async throws {
            let harness = try await LogIndexerHarness()
            let org = 22
            let events = EventFactory(organizationID: org)
            try await harness.run { client in
                try await harness.publishAndWait((0..<7).map { events.outbound(.queued, messageID: "p\($0)", at: Double($0), body: "message \($0)") })
                let first = try await client.get("/api/v1/sms-logs/?limit=3", organization: org).json(SMSLogPage.self)
                #expect(first.items.map(\.body) == ["message 6", "message 5", "message 4"])
                #expect(first.total == 7 && first.hasMore && first.limit == 3 && first.skip == 0)
                let last = try await client.get("/api/v1/sms-logs/?skip=6&limit=3", organization: org).json(SMSLogPage.self)
                #expect(last.items.map(\.body) == ["message 0"])
                #expect(last.total == 7 && !last.hasMore)
                let beyond = try await client.get("/api/v1/sms-logs/?skip=50&search=message", organization: org).json(SMSLogPage.self)
                #expect(beyond.items.isEmpty && beyond.total == 7 && !beyond.hasMore)
                let defaults = try await client.get("/api/v1/sms-logs", organization: org).json(SMSLogPage.self)
                #expect(defaults.limit == 50 && defaults.skip == 0 && defaults.items.count == 7)
                let max = try await client.get("/api/v1/sms-logs/?limit=500", organization: org)
                #expect(max.status == .ok)

                for query in ["limit=0", "limit=501", "limit=-1", "limit=ten", "skip=-1", "skip=x"] {
                    let reply = try await client.get("/api/v1/sms-logs/?\(query)", organization: org)
                    #expect(reply.status == .unprocessableContent, "\(query)")
                    #expect(reply.detail?.isEmpty == false, "\(query)")
                }
                for query in ["date_from=yesterday", "date_to=2026-13-45", "assistant_id=abc"] {
                    let reply = try await client.get("/api/v1/sms-logs/?\(query)", organization: org)
                    #expect(reply.status == .unprocessableContent, "\(query)")
                    #expect(reply.detail?.isEmpty == false)
                }
            }
        }

        @Test func requestsNeedTheInternalTokenAndAnOrganization() async throws {
            let harness = try await LogIndexerHarness()
            try await harness.run { client in
                for path in ["/api/v1/sms-logs/", "/api/v1/sms-logs/stats", "/api/v1/sms-logs/1", "/api/v1/sms/1/logs"] {
                    let missing = try await client.get(path, organization: nil)
                    #expect(missing.status == .badRequest, "\(path)")
                    #expect(missing.detail?.contains("X-Switchboard-Organization-Id") == true)
                    let unauthenticated = try await client.get(path, organization: 1, token: nil)
                    #expect(unauthenticated.status == .unauthorized, "\(path)")
                    let forged = try await client.get(path, organization: 1, token: "forged")
                    #expect(forged.status == .unauthorized, "\(path)")
                }
            }
        }
    }
}
