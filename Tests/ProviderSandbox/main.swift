import Foundation
import ProviderSandboxKit

// provider-sandbox: emulates the Twilio, Telnyx and Vonage messaging APIs for tests, benchmarks
// and scripts/run. All configuration comes from SANDBOX_* variables; see docs/provider-sandbox.md.
let configuration: SandboxConfiguration
do {
    configuration = try SandboxConfiguration(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("provider-sandbox: \(error)\n".utf8))
    exit(1)
}
SandboxLogging.bootstrap(level: configuration.logLevel)
let app = buildSandboxApplication(configuration: configuration) { port in
    // Unbuffered, so a script waiting for this line sees it at once.
    FileHandle.standardOutput.write(Data("provider-sandbox listening on http://\(configuration.host):\(port)\n".utf8))
}
do {
    try await app.runService()
} catch {
    FileHandle.standardError.write(Data("provider-sandbox: \(error)\n".utf8))
    exit(1)
}
