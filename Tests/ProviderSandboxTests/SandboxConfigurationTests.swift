import Foundation
import ProviderSandboxKit
import Testing

@Suite struct SandboxConfigurationTests {
    @Test func readsDefaultsFromAnEmptyEnvironment() throws {
        let configuration = try SandboxConfiguration(environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8090)
        #expect(configuration.callbackDelay == .milliseconds(50))
        #expect(configuration.callbacksEnabled)
        #expect(configuration.accounts.isEmpty)
        #expect(configuration.rateLimitPerSecond == nil)
        #expect(configuration.telnyxPrivateKeySeed == nil)
    }

    @Test func readsEveryVariable() throws {
        let configuration = try SandboxConfiguration(environment: [
            "SANDBOX_HOST": "0.0.0.0", "SANDBOX_PORT": "9000", "SANDBOX_CALLBACK_DELAY_MS": "5", "SANDBOX_CALLBACKS": "off",
            "SANDBOX_RATE_LIMIT_PER_SECOND": "3", "SANDBOX_HANG_MS": "1000", "LOG_LEVEL": "debug",
            "SANDBOX_TELNYX_PRIVATE_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "SANDBOX_ACCOUNTS": #"[{"provider":"twilio","account_sid":"AC1","auth_token":"t"},{"provider":"vonage","api_key":"k","api_secret":"s","signature_secret":"x"}]"#,
        ])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.callbackDelay == .milliseconds(5))
        #expect(!configuration.callbacksEnabled)
        #expect(configuration.rateLimitPerSecond == 3)
        #expect(configuration.hangDuration == .seconds(1))
        #expect(configuration.logLevel == .debug)
        #expect(configuration.telnyxPrivateKeySeed == Array(repeating: 7, count: 32))
        #expect(configuration.accounts == [
            .twilio(accountSID: "AC1", authToken: "t"), .vonage(apiKey: "k", apiSecret: "s", signatureSecret: "x"),
        ])
    }

    @Test(arguments: [
        ["SANDBOX_PORT": "http"], ["SANDBOX_CALLBACKS": "maybe"], ["SANDBOX_ACCOUNTS": "[{"],
        ["SANDBOX_ACCOUNTS": #"[{"provider":"twilio","account_sid":"AC1"}]"#],
        ["SANDBOX_TELNYX_PRIVATE_KEY": "c2hvcnQ="], ["LOG_LEVEL": "loud"], ["SANDBOX_CALLBACK_DELAY_MS": "-1"],
    ])
    func rejectsBadValuesNamingTheVariable(environment: [String: String]) {
        #expect {
            try SandboxConfiguration(environment: environment)
        } throws: { error in
            "\(error)".contains(environment.keys.first!)
        }
    }
}
