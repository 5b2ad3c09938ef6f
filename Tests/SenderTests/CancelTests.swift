import Foundation
import ProviderSandboxKit
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct CancelTests {
        @Test func cancelledMessageNeverReachesTheProvider() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: "+14155550130", organizationID: organizationID, addToStream: false)
                let reply = try await harness.request(.delete, "/sms/\(envelope.messageID!)", organizationID: organizationID)
                #expect(reply.status == .ok)
                let body = try SenderHarness.decode(CancelMessageResponse.self, reply.body)
                #expect(body.success && body.message == "Message cancelled")
                #expect(body.previousStatus == .queued && body.newStatus == .cancelled)
                #expect(body.messageID == envelope.messageID)

                try await harness.addToStream(envelope)
                let acknowledged = await eventually {
                    let summary = try? await harness.redis.xpendingSummary(
                        RedisKey.queue(provider: "twilio"), group: RedisKey.senderGroup)
                    let lag = try? await harness.request(.get, "/sms/queue/stats", organizationID: organizationID)
                    return summary?.count == 0 && lag?.body.contains(#""twilio":{"active":0,"failed":0,"pending":0}"#) == true
                }
                #expect(acknowledged)
                #expect(harness.received(from: number).isEmpty)
                #expect(try await harness.statusHash(envelope.messageID!)["status"] == "cancelled")
                #expect(try await harness.events(envelope.messageID!).map(\.type) == [.queued, .cancelled])

                let again = try await harness.request(.delete, "/sms/\(envelope.messageID!)", organizationID: organizationID)
                #expect(again.status == .conflict)
                #expect(again.body == #"{"detail":"Only queued messages can be cancelled; this one is cancelled"}"#)
            }
        }

        @Test func cancelRacingTheConsumerNeverSendsACancelledMessage() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender(provider: "vonage")
                let outcomes = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            let envelope = try await harness.enqueue(
                                from: number, to: "+1415555\(String(format: "%04d", index))", body: "race \(index)",
                                organizationID: organizationID, provider: "vonage")
                            let reply = try await harness.request(
                                .delete, "/sms/\(envelope.messageID!)", organizationID: organizationID)
                            return (envelope.messageID!, Int(reply.status.code))
                        }
                    }
                    var outcomes: [String: Int] = [:]
                    for try await (id, status) in group { outcomes[id] = status }
                    return outcomes
                }
                #expect(Set(outcomes.values).isSubset(of: [200, 409]))
                let settled = await eventually {
                    for id in outcomes.keys {
                        let status = try? await harness.statusHash(id)["status"]
                        if status != "cancelled" && status != "sent" { return false }
                    }
                    return true
                }
                #expect(settled)
                let sentIDs = Set(harness.received(from: number).compactMap(\.clientRef))
                for (id, status) in outcomes {
                    let final = try await harness.statusHash(id)["status"]
                    if status == 200 {
                        #expect(final == "cancelled")
                        #expect(!sentIDs.contains(id), "cancelled message \(id) reached the provider")
                    } else {
                        #expect(final == "sent")
                        #expect(sentIDs.contains(id))
                    }
                }
            }
        }

        @Test func cancelTakesAMessageOutOfTheRetrySet() async throws {
            try await SenderHarness.run(environment: ["SEND_BACKOFF_BASE_MS": "5000", "SEND_BACKOFF_MAX_MS": "5000"]) { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(
                    from: number, to: MagicNumber.alwaysThrottled.e164, organizationID: organizationID)
                let waiting = await eventually {
                    (try? await harness.redis.command("ZCARD", RedisKey.retries(provider: "twilio")).int) == 1
                }
                #expect(waiting)
                #expect(try await harness.statusHash(envelope.messageID!)["status"] == "queued")
                let reply = try await harness.request(.delete, "/sms/\(envelope.messageID!)", organizationID: organizationID)
                #expect(reply.status == .ok)
                #expect(try await harness.redis.command("ZCARD", RedisKey.retries(provider: "twilio")).int == 0)
                #expect(harness.received(from: number).count == 1)
            }
        }

        @Test func cancelAnswersNotFoundConflictAndBadRequest() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = try await harness.enqueue(from: number, to: "+14155550131", organizationID: organizationID)
                _ = try await harness.waitForStatus(envelope.messageID!, "sent")

                let sent = try await harness.request(.delete, "/sms/\(envelope.messageID!)", organizationID: organizationID)
                #expect(sent.status == .conflict)
                #expect(sent.body == #"{"detail":"Only queued messages can be cancelled; this one is sent"}"#)
                let unknown = try await harness.request(.delete, "/sms/\(UUID().uuidString.lowercased())", organizationID: organizationID)
                #expect(unknown.status == .notFound)
                #expect(unknown.body == #"{"detail":"Message not found"}"#)
                let otherOrganization = try await harness.request(
                    .delete, "/sms/\(envelope.messageID!)", organizationID: organizationID + 1)
                #expect(otherOrganization.status == .notFound)
                #expect(otherOrganization.body == #"{"detail":"Message not found"}"#)
                let noHeader = try await harness.request(.delete, "/sms/\(envelope.messageID!)", organizationID: nil)
                #expect(noHeader.status == .badRequest)
            }
        }
    }
}
