import Foundation
import Logging
import ServiceRuntime
import WireModels
import Testing

@Suite struct EnvironmentReaderTests {
    static let key = Data(repeating: 1, count: 32).base64EncodedString()
    static let minimal = ["INTERNAL_TOKEN": "t", "SECRETS_KEY": key]

    @Test func sharedConfigurationUsesTheContractDefaults() throws {
        let configuration = try ServiceConfiguration(service: .sender, environment: EnvironmentReader(Self.minimal))
        #expect(configuration.redis.host == "127.0.0.1")
        #expect(configuration.redis.port == 6379)
        #expect(configuration.redis.database == 0)
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8081)
        #expect(configuration.logLevel == .info)
        #expect(configuration.databasePath.hasSuffix("data/sender.sqlite"))
        #expect(configuration.secretsKey.count == 32)
    }

    @Test func eachProcessDefaultsToItsContractPort() throws {
        let ports = try [ServiceName.gateway, .sender, .webhookIngest, .logIndexer, .sessionManager].map {
            try ServiceConfiguration(service: $0, environment: EnvironmentReader(Self.minimal)).port
        }
        #expect(ports == [8080, 8081, 8082, 8083, 8084])
    }

    @Test func missingRequiredVariableIsNamed() {
        #expect(throws: ConfigurationError.missing(variable: "INTERNAL_TOKEN")) {
            try ServiceConfiguration(service: .sender, environment: EnvironmentReader(["SECRETS_KEY": Self.key]))
        }
        #expect(throws: ConfigurationError.missing(variable: "SECRETS_KEY")) {
            try ServiceConfiguration(service: .sender, environment: EnvironmentReader(["INTERNAL_TOKEN": "t"]))
        }
    }

    @Test(arguments: [
        ("HTTP_PORT", "eighty"), ("HTTP_PORT", "70000"), ("LOG_LEVEL", "loud"), ("REDIS_URL", "http://x"),
        ("SECRETS_KEY", "c2hvcnQ="), ("REDIS_POOL_SIZE", "0"),
    ])
    func invalidValueIsRejectedNamingTheVariable(variable: String, value: String) {
        var values = Self.minimal
        values[variable] = value
        do {
            _ = try ServiceConfiguration(service: .gateway, environment: EnvironmentReader(values))
            Issue.record("\(variable)=\(value) was accepted")
        } catch let error as ConfigurationError {
            #expect(error.variable == variable)
            #expect(error.description.contains(variable))
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func secretValuesAreNeverEchoedInErrors() {
        var values = Self.minimal
        values["SECRETS_KEY"] = "super-secret-but-wrong"
        do {
            _ = try ServiceConfiguration(service: .gateway, environment: EnvironmentReader(values))
            Issue.record("accepted a malformed key")
        } catch {
            #expect(!"\(error)".contains("super-secret-but-wrong"))
        }
    }

    @Test func typedReadersParseAndBound() throws {
        let reader = EnvironmentReader(["N": "5", "B": "yes", "U": "http://h:1/", "D": "2.5", "S": "30", "BLANK": "  "])
        #expect(try reader.int("N", default: 1, in: 1...10) == 5)
        #expect(throws: ConfigurationError.self) { try reader.int("N", default: 1, in: 6...10) }
        #expect(try reader.bool("B", default: false))
        #expect(try reader.httpURL("U", default: "http://x") == "http://h:1")
        #expect(try reader.double("D", default: 0) == 2.5)
        #expect(try reader.seconds("S", default: .zero) == .seconds(30))
        #expect(reader.optional("BLANK") == nil)
        #expect(reader.string("MISSING", default: "d") == "d")
    }
}
