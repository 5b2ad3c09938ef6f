import AsyncHTTPClient
import Foundation
import Providers
import TestSupport
import Testing
import WireModels

@Suite struct ProviderClientsTests {
    static let credentials: [ProviderCredentials] = [
        .twilio(accountSID: "AC123", authToken: "token"),
        .telnyx(apiKey: "KEY", messagingProfileID: nil),
        .vonage(apiKey: "key", apiSecret: "secret"),
    ]

    static let request = ProviderSendRequest(from: "+15017122661", to: "+15558675310", body: "Hi")

    @Test func mapsEachProviderNameToItsClient() throws {
        let clients = ProviderClients(httpClient: .shared)
        #expect(try clients.client(named: "twilio", credentials: Self.credentials[0]) is TwilioClient)
        #expect(try clients.client(named: "telnyx", credentials: Self.credentials[1]) is TelnyxClient)
        #expect(try clients.client(named: "vonage", credentials: Self.credentials[2]) is VonageClient)
        #expect(Self.credentials.map { clients.client(for: $0).provider } == [.twilio, .telnyx, .vonage])
    }

    @Test func refusesUnknownNamesAndAnotherProvidersCredentials() {
        let clients = ProviderClients(httpClient: .shared)
        #expect(throws: ProviderError.invalidRequest(reason: "unknown provider plivo")) {
            try clients.client(named: "plivo", credentials: Self.credentials[0])
        }
        #expect(throws: ProviderError.invalidRequest(reason: "twilio credentials cannot send through vonage")) {
            try clients.client(named: "vonage", credentials: Self.credentials[0])
        }
    }

    @Test func takesTheOrganizationsCredentialsForTheNamedProvider() throws {
        let organization = OrganizationCredentials(
            twilioAccountSID: "AC123", twilioAuthToken: "token", telnyxAPIKey: "KEY", telnyxMessagingProfileID: "",
            vonageAPIKey: "key", vonageAPISecret: "")
        #expect(
            ProviderCredentials(provider: .twilio, organization: organization)
                == .twilio(accountSID: "AC123", authToken: "token"))
        #expect(
            ProviderCredentials(provider: .telnyx, organization: organization)
                == .telnyx(apiKey: "KEY", messagingProfileID: nil))
        #expect(ProviderCredentials(provider: .vonage, organization: organization) == nil)
        let clients = ProviderClients(httpClient: .shared)
        #expect(try clients.client(named: "twilio", organization: organization) is TwilioClient)
        #expect(throws: ProviderError.invalidRequest(reason: "the organization has no vonage credentials")) {
            try clients.client(named: "vonage", organization: organization)
        }
    }

    @Test func usesTheContractsBaseURLsUnlessConfigured() {
        let clients = ProviderClients(httpClient: .shared, baseURLs: [.telnyx: "http://127.0.0.1:9000"])
        #expect(clients.baseURL(for: .twilio) == "https://api.twilio.com")
        #expect(clients.baseURL(for: .telnyx) == "http://127.0.0.1:9000")
        #expect(clients.baseURL(for: .vonage) == "https://api.nexmo.com")
    }

    @Test(arguments: credentials)
    func retriesWhenTheProviderRefusesTheConnection(_ credentials: ProviderCredentials) async throws {
        // AsyncHTTPClient retries refused connects until the request deadline, then reports the
        // connect error: a short timeout keeps the test quick.
        let clients = ProviderClients(
            httpClient: .shared, baseURLs: [credentials.provider: "http://127.0.0.1:\(freeTCPPort())"],
            timeout: .milliseconds(500))
        let error = try await #require(throws: ProviderError.self) {
            try await clients.client(for: credentials).send(Self.request)
        }
        guard case .connectionFailed = error else {
            Issue.record("expected connectionFailed, got \(error)")
            return
        }
        #expect(error.isRetryable)
    }

    @Test(arguments: credentials)
    func retriesWhenTheProviderDoesNotAnswerInTime(_ credentials: ProviderCredentials) async throws {
        try await StubProviderServer.run(answering: .init(status: 200, body: "{}", delay: .seconds(1))) {
            baseURL, _ in
            let clients = ProviderClients(
                httpClient: .shared, baseURLs: [credentials.provider: baseURL], timeout: .milliseconds(200))
            let started = ContinuousClock.now
            let error = try await #require(throws: ProviderError.self) {
                try await clients.client(for: credentials).send(Self.request)
            }
            #expect(error == .timeout)
            #expect(error.isRetryable)
            #expect(ContinuousClock.now - started < .milliseconds(900))
        }
    }

    @Test func neverShowsASecretInDescriptionsOrDumps() {
        let secrets = ["token-secret-1", "telnyx-key-2", "vonage-secret-3"]
        let credentials: [ProviderCredentials] = [
            .twilio(accountSID: "AC123", authToken: secrets[0]),
            .telnyx(apiKey: secrets[1], messagingProfileID: "profile"),
            .vonage(apiKey: "abcd1234", apiSecret: secrets[2]),
        ]
        let clients = ProviderClients(httpClient: .shared)
        for credential in credentials {
            var dumped = ""
            dump(credential, to: &dumped)
            dump(clients.client(for: credential), to: &dumped)
            let texts = [String(describing: credential), String(reflecting: credential), dumped]
            for text in texts {
                #expect(!secrets.contains { text.contains($0) }, "\(text)")
            }
        }
    }
}

extension ProviderCredentials: CustomTestStringConvertible {
    public var testDescription: String { provider.rawValue }
}
