/// The three providers the sandbox emulates.
public enum SandboxProvider: String, Sendable, CaseIterable, Codable {
    case twilio
    case telnyx
    case vonage
}
