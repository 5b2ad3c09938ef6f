import Foundation
import ProviderSandboxKit
import Testing
import WireModels

@testable import Sender

extension SenderTests {
    @Suite struct ImmediateSendTests {
        static func envelope(from: String, to: String, organizationID: Int, provider: String = "twilio") -> QueueEnvelope {
            QueueEnvelope(
                messageID: UUID().uuidString.lowercased(), organizationID: organizationID, assistantID: 7, provider: provider,
                from: from, to: to, body: "right now", mediaURLs: nil, idempotencyKey: "key-1",
                queuedAt: Timestamp.string(Date().timeIntervalSince1970), validUntil: nil)
        }

        @Test func sendsAtOnceAndAnswersLikeTheSeed() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = Self.envelope(from: number, to: "+14155550160", organizationID: organizationID)
                let reply = try await harness.request(
                    .post, "/internal/send", organizationID: nil, body: try SenderHarness.json(envelope))
                #expect(reply.status == .ok)
                let response = try SenderHarness.decode(SendSMSResponse.self, reply.body)
                #expect(
                    response
                        == SendSMSResponse(
                            success: true, messageID: envelope.messageID!, message: "SMS sent successfully via twilio",
                            provider: "twilio", status: "sent"))
                let received = harness.received(from: number)
                #expect(received.count == 1)
                let fields = try await harness.statusHash(envelope.messageID!)
                #expect(fields["status"] == "sent")
                #expect(fields["provider_message_id"] == received.first?.messageID)
                #expect(fields["idempotency_key"] == "key-1")
                let events = try await harness.events(envelope.messageID!)
                #expect(events.map(\.type) == [.sending, .sent])
                #expect(events.last?.idempotencyKey == "key-1")

                let again = try await harness.request(
                    .post, "/internal/send", organizationID: nil, body: try SenderHarness.json(envelope))
                #expect(again.status == .conflict)
                #expect(harness.received(from: number).count == 1)
            }
        }

        @Test func providerFailureIsABadGatewayAndRecordedAsFailed() async throws {
            try await SenderHarness.run { harness in
                let (organizationID, number) = try await harness.addSender()
                let envelope = Self.envelope(from: number, to: MagicNumber.invalidNumber.e164, organizationID: organizationID)
                let reply = try await harness.request(
                    .post, "/internal/send", organizationID: organizationID, body: try SenderHarness.json(envelope))
                #expect(reply.status == .badGateway)
                #expect(reply.body == #"{"detail":"Failed to send SMS via twilio"}"#)
                let fields = try await harness.statusHash(envelope.messageID!)
                #expect(fields["status"] == "failed")
                #expect(fields["error_code"] == "21211")
                #expect(try await harness.events(envelope.messageID!).map(\.type) == [.sending, .failed])

                // A throttled immediate send is not retried: the caller decides.
                let throttled = Self.envelope(from: number, to: MagicNumber.alwaysThrottled.e164, organizationID: organizationID)
                let second = try await harness.request(
                    .post, "/internal/send", organizationID: organizationID, body: try SenderHarness.json(throttled))
                #expect(second.status == .badGateway)
                #expect(try await harness.statusHash(throttled.messageID!)["status"] == "failed")
            }
        }

        @Test func rejectsAnIncompleteEnvelope() async throws {
            try await SenderHarness.run { harness in
                let incomplete = #"{"from":"+12025550100","to":"+14155550161","body":"x"}"#
                let reply = try await harness.request(.post, "/internal/send", organizationID: nil, body: incomplete)
                #expect(reply.status == .badRequest)
            }
        }
    }
}
