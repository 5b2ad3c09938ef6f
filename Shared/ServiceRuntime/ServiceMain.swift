import Foundation

/// The whole body of a service's one-file executable.
package enum ServiceMain {
    /// Runs `body`; any error that escapes it (bad configuration, a database that will not open)
    /// ends the process with exit status 1 and one line on standard error that names the cause.
    package static func run(process: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            let line = "\(process): \(error)\n".replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data((line.trimmingCharacters(in: .whitespaces) + "\n").utf8))
            exit(1)
        }
    }
}
