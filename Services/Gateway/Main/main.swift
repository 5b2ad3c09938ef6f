import Foundation
import Gateway
import ServiceRuntime

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "bootstrap" {
    await ServiceMain.run(process: "gateway") {
        let parsed = try GatewayBootstrap.Arguments(Array(arguments.dropFirst()))
        let result = try await GatewayBootstrap.run(parsed, configuration: try GatewayConfiguration())
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
} else {
    await ServiceMain.run(process: "gateway") {
        let configuration = try GatewayConfiguration()
        try await buildApplication(configuration: configuration).runService()
    }
}
