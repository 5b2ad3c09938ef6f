import Foundation
import HTTPTypes
import Hummingbird
import WireModels

/// `GET /health` (liveness) and `GET /ready` (every dependency answers), without auth.
package struct HealthController<Context: RequestContext>: Sendable {
    private let service: ServiceName
    private let checks: [ReadinessCheck]
    private let checkTimeout: Duration

    /// - Parameter checkTimeout: how long one probe may take before `/ready` reports it down;
    ///   `/ready` never hangs on a stuck dependency.
    package init(service: ServiceName, checks: [ReadinessCheck], checkTimeout: Duration = .seconds(2)) {
        self.service = service
        self.checks = checks
        self.checkTimeout = checkTimeout
    }

    package func addRoutes(to router: Router<Context>) {
        // GET /health
        router.get("/health") { _, _ in
            try Self.json(HealthStatus(status: "ok", service: service.rawValue), status: .ok)
        }
        // GET /ready
        router.get("/ready") { _, _ in
            let results = await runChecks()
            let failures = results.filter { $0.value != "ok" }.sorted { $0.key < $1.key }
            if failures.isEmpty {
                return try Self.json(HealthStatus(status: "ready", service: service.rawValue, checks: results), status: .ok)
            }
            let detail = "not ready: " + failures.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            let body = HealthStatus(status: "not_ready", service: service.rawValue, checks: results, detail: detail)
            return try Self.json(body, status: .serviceUnavailable)
        }
    }

    /// Runs every probe concurrently, each bounded by the check timeout.
    package func runChecks() async -> [String: String] {
        await withTaskGroup(of: (String, String).self) { group in
            for check in checks {
                group.addTask {
                    do {
                        try await withTimeout(checkTimeout) { try await check.probe() }
                        return (check.name, "ok")
                    } catch {
                        return (check.name, "\(error)")
                    }
                }
            }
            var results: [String: String] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
    }

    private static func json(_ value: HealthStatus, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
