/// One dependency that `GET /ready` checks: a name and a cheap probe that throws when it is down.
package struct ReadinessCheck: Sendable {
    /// Name shown in the `checks` object (`redis`, `sqlite`).
    package var name: String
    /// The probe.
    package var probe: @Sendable () async throws -> Void

    package init(_ name: String, probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.probe = probe
    }
}
