import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ProviderSandboxKit
import Synchronization
import Testing

/// Test accounts, one per provider.
enum TestAccounts {
    static let twilioSID = "AC0123456789abcdef0123456789abcdef"
    static let twilioToken = "twilio-auth-token-0123"
    static let telnyxKey = "KEY0123456789ABCDEF_test"
    static let telnyxProfile = "40017f8e-0000-4000-8000-000000000001"
    static let vonageKey = "abcd1234"
    static let vonageSecret = "vonage-api-secret"
    static let vonageSignatureSecret = "example-signature-secret-0123456789"

    static let all: [SandboxAccount] = [
        .twilio(accountSID: twilioSID, authToken: twilioToken),
        .telnyx(apiKey: telnyxKey, messagingProfileID: telnyxProfile),
        .vonage(apiKey: vonageKey, apiSecret: vonageSecret, signatureSecret: vonageSignatureSecret),
    ]
}

/// A running sandbox (through Hummingbird's router test client) plus a live webhook receiver.
struct SandboxHarness: Sendable {
    let client: any TestClientProtocol
    let state: SandboxState
    let receiver: WebhookReceiver
    /// `http://127.0.0.1:<port>` of the receiver.
    let receiverURL: String

    static let testConfiguration = SandboxConfiguration(
        port: 0, callbackDelay: .milliseconds(5), callbackAttempts: 3, callbackTimeout: .seconds(2),
        accounts: TestAccounts.all, hangDuration: .milliseconds(300), logLevel: .warning)

    /// Runs `body` against a fresh sandbox and receiver.
    static func run(
        configuration: SandboxConfiguration = testConfiguration, _ body: @Sendable (SandboxHarness) async throws -> Void
    ) async throws {
        let receiver = WebhookReceiver()
        try await receiver.application().test(.live) { receiverClient in
            let port = try #require(receiverClient.port)
            let state = SandboxState(configuration: configuration)
            let app = buildSandboxApplication(configuration: configuration, state: state)
            try await app.test(.router) { client in
                try await body(
                    SandboxHarness(client: client, state: state, receiver: receiver, receiverURL: "http://127.0.0.1:\(port)"))
            }
        }
    }

    // MARK: Provider requests

    func twilioSend(
        _ parameters: [(String, String)], accountSID: String = TestAccounts.twilioSID,
        password: String = TestAccounts.twilioToken, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.authorization] = Self.basic(accountSID, password)
        return try await client.execute(
            uri: "/2010-04-01/Accounts/\(accountSID)/Messages.json", method: .post, headers: headers,
            body: ByteBuffer(string: formEncode(parameters)))
    }

    func telnyxSend(_ json: String, apiKey: String = TestAccounts.telnyxKey, headers extra: HTTPFields = [:]) async throws
        -> TestResponse
    {
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.authorization] = "Bearer \(apiKey)"
        return try await client.execute(uri: "/v2/messages", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func vonageSend(_ json: String, apiKey: String = TestAccounts.vonageKey, secret: String = TestAccounts.vonageSecret)
        async throws -> TestResponse
    {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.authorization] = Self.basic(apiKey, secret)
        return try await client.execute(uri: "/v1/messages", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get)
    }

    func postJSON(_ uri: String, _ json: String) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    /// The Telnyx public key as `GET /sandbox/keys` publishes it.
    func telnyxPublicKey() async throws -> Curve25519.Signing.PublicKey {
        let keys = try jsonObject(try await get("/sandbox/keys"))
        let base64 = try #require(keys["telnyx_public_key"] as? String)
        let raw = try #require(Data(base64Encoded: base64))
        #expect(raw.count == 32)
        return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

// MARK: JSON and form helpers (independent of the sandbox's own code)

func bodyText(_ response: TestResponse) -> String {
    String(decoding: response.body.readableBytesView, as: UTF8.self)
}

func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    try jsonObject(bodyText(response))
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

func formEncode(_ parameters: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return parameters.map { name, value in
        let escape = { (text: String) in
            text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: "%20", with: "+")
        }
        return escape(name) + "=" + escape(value)
    }.joined(separator: "&")
}

func formDecode(_ body: String) -> [(name: String, value: String)] {
    body.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let decode = { (text: Substring) in
            String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
        }
        return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
}

func isLowerHex(_ text: some StringProtocol, count: Int) -> Bool {
    text.count == count && text.allSatisfy { "0123456789abcdef".contains($0) }
}

func isUUID(_ text: String) -> Bool {
    UUID(uuidString: text) != nil && text == text.lowercased() && text.count == 36
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
