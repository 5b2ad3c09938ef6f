import Foundation
import HummingbirdTesting
import Testing
import WireModels

@testable import LogIndexer

extension LogIndexerSuites {
    @Suite struct SMSLogDetailTests {
        @Test func detailAddsOrganizationAndProviderPayloads() async throws {
            let harness = try await LogIndexerHarness()
            let org = 9
            let events = EventFactory(organizationID: org)
            try await harness.publishAssistant(id: 123, organizationID: org, name: "Support Bot")
            try await harness.run { client in
                try await harness.publishAndWait([
                    events.outbound(.queued, messageID: "d-1", at: 0),
                    events.outbound(.sent, messageID: "d-1", at: 2, providerMessageID: "msg_abc123"),
                    events.receipt(.sent, messageID: "d-1", providerMessageID: "msg_abc123", at: 3, providerStatus: "sent"),
                    events.receipt(.delivered, messageID: "d-1", providerMessageID: "msg_abc123", at: 5, providerStatus: "delivered"),
                    events.outbound(.queued, messageID: "d-2", at: 6),
                ])
                let list = try await client.get("/api/v1/sms-logs/", organization: org).json(SMSLogPage.self)
                let delivered = try #require(list.items.first { $0.providerMessageID == "msg_abc123" })
                let queued = try #require(list.items.first { $0.status == "queued" })

                let reply = try await client.get("/api/v1/sms-logs/\(delivered.id)", organization: org)
                #expect(reply.status == .ok)
                let detail = try reply.json(SMSLogDetail.self)
                #expect(detail.organizationID == org)
                #expect(detail.log == delivered, "the same fields as the list item")
                let payload = try #require(detail.providerPayload?.objectValue)
                #expect(payload["raw_status"] == .string("delivered"))
                guard case .array(let payloads)? = payload["payloads"] else {
                    Issue.record("payloads missing: \(reply.body)")
                    return
                }
                #expect(payloads.count == 2)
                let lastPayload = try #require(payloads.last?.objectValue)
                #expect(lastPayload["event_type"] == .string("message.delivered"))
                #expect(lastPayload["received_at"] == .string(events.time(5)))
                // The provider's raw JSON is kept as a JSON object.
                #expect(lastPayload["payload"]?.objectValue?["data"]?.objectValue?["event_type"] == .string("message.finalized"))

                let object = try reply.object()
                #expect(object["organization_id"] as? Int == org)
                #expect(object["error_code"] is NSNull)

                let noPayload = try await client.get("/api/v1/sms-logs/\(queued.id)", organization: org)
                #expect(try noPayload.object()["provider_payload"] is NSNull, "nothing from the provider yet")

                let other = try await client.get("/api/v1/sms-logs/\(delivered.id)", organization: org + 1)
                #expect(other.status == .notFound)
                #expect(other.detail == "SMS log not found")
                #expect(try await client.get("/api/v1/sms-logs/999999", organization: org).status == .notFound)
                #expect(try await client.get("/api/v1/sms-logs/abc", organization: org).status == .unprocessableContent)
            }
        }
    }
}
