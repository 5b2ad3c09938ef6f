/// What can go wrong inside the sender that is not a provider's answer.
enum SenderError: Error, CustomStringConvertible, Sendable {
    /// A script or command answered with a shape the sender does not expect.
    case unexpectedReply(String)

    var description: String {
        switch self {
        case .unexpectedReply(let reason): "unexpected Redis reply: \(reason)"
        }
    }
}
