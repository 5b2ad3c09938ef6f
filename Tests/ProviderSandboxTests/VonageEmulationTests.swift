import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ProviderSandboxKit
import Testing

@Suite struct VonageEmulationTests {
    private static let send = #"{"message_type":"text","channel":"sms","to":"447700900000","from":"447700900001","text":"Hello","client_ref":"ref-1"}"#

    @Test func rejectsWrongCredentialsWithProblemJSON() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.vonageSend(Self.send, secret: "wrong")
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = try jsonObject(response)
            #expect(body["title"] as? String == "Unauthorized")
            #expect((body["type"] as? String)?.hasPrefix("https://developer.vonage.com/api-errors") == true)

            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.authorization] = "Bearer some.jwt.token"
            let bearer = try await sandbox.client.execute(
                uri: "/v1/messages", method: .post, headers: headers, body: ByteBuffer(string: Self.send))
            #expect(bearer.status == .unauthorized)
        }
    }

    @Test(arguments: [
        (#"{"message_type":"text","channel":"sms","to":"+447700900000","from":"447700900001","text":"Hi"}"#, "Invalid recipient", nil),
        (#"{"message_type":"text","channel":"sms","from":"447700900001","text":"Hi"}"#, "Invalid params", "to"),
        (#"{"message_type":"text","channel":"sms","to":"447700900000","from":"447700900001"}"#, "Invalid params", "text"),
        (#"{"message_type":"text","channel":"sms","to":"447700900000","from":"+4477","text":"Hi"}"#, "Invalid sender", nil),
        (#"{"message_type":"text","channel":"fax","to":"447700900000","from":"447700900001","text":"Hi"}"#, "Unsupported channel", nil),
        (#"{"message_type":"image","channel":"sms","to":"447700900000","from":"447700900001"}"#, "Invalid message type", nil),
        (#"{"message_type":"image","channel":"mms","to":"447700900000","from":"447700900001","image":{}}"#, "Invalid params", "image.url"),
    ] as [(String, String, String?)])
    func rejectsInvalidWireFormatWith422(json: String, title: String, parameter: String?) async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.vonageSend(json)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            let body = try jsonObject(response)
            #expect(body["title"] as? String == title)
            #expect(body["instance"] is String)
            if let parameter {
                let invalid = body["invalid_parameters"] as? [[String: Any]]
                #expect(invalid?.first?["name"] as? String == parameter)
            }
        }
    }

    @Test func answersValidSendWith202AndMessageUUID() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.vonageSend(Self.send)
            #expect(response.status == .accepted)
            let id = try #require(try jsonObject(response)["message_uuid"] as? String)
            #expect(isUUID(id))
            let recorded = try #require(sandbox.state.message(id: id))
            #expect(recorded.clientRef == "ref-1")
            #expect(recorded.account == TestAccounts.vonageKey)
        }
    }

    @Test func acceptsImageMMS() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.vonageSend(
                #"{"message_type":"image","channel":"mms","to":"14155550100","from":"14155550101","image":{"url":"https://example.com/cat.jpg","caption":"Cat"}}"#)
            #expect(response.status == .accepted)
            let recorded = try #require(sandbox.state.messages().last)
            #expect(recorded.mediaURLs == ["https://example.com/cat.jpg"])
            #expect(recorded.body == "Cat")
        }
    }

    @Test func postsJWTSignedStatusSubmittedThenDelivered() async throws {
        try await SandboxHarness.run { sandbox in
            let url = sandbox.receiverURL + "/vonage/status"
            let json = #"{"message_type":"text","channel":"sms","to":"447700900000","from":"447700900001","text":"Hello","client_ref":"ref-9","webhook_url":"\#(url)"}"#
            let id = try #require(try jsonObject(try await sandbox.vonageSend(json))["message_uuid"] as? String)

            let callbacks = await sandbox.receiver.waitFor(path: "/vonage/status", count: 2)
            try #require(callbacks.count == 2)
            var statuses: [String] = []
            for callback in callbacks {
                let claims = SignatureVerifiers.vonage(
                    authorization: callback.header("Authorization"), body: callback.body,
                    secret: TestAccounts.vonageSignatureSecret)
                #expect(claims?["api_key"] as? String == TestAccounts.vonageKey)
                #expect(claims?["iat"] is Int)
                let body = try jsonObject(callback.body)
                #expect(body["message_uuid"] as? String == id)
                #expect(body["client_ref"] as? String == "ref-9")
                #expect(body["to"] as? String == "447700900000")
                #expect(body["channel"] as? String == "sms")
                #expect((body["sms"] as? [String: Any])?["count_total"] as? String == "1")
                statuses.append(try #require(body["status"] as? String))
            }
            #expect(statuses == ["submitted", "delivered"])
            // A wrong secret must not verify.
            #expect(
                SignatureVerifiers.vonage(
                    authorization: callbacks[0].header("Authorization"), body: callbacks[0].body, secret: "other") == nil)
        }
    }
}
