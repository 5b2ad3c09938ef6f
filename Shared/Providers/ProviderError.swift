/// Everything that can go wrong talking to a provider or reading what a provider sent us.
///
/// Send errors classify as retryable (``timeout``, ``connectionFailed(reason:)``,
/// ``rateLimited(retryAfter:code:message:)``, ``serverError(status:code:message:)``) or permanent
/// (the rest); the sender retries only the former (providers.md §7.3).
package enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider did not answer within the request timeout. Retryable.
    case timeout
    /// The provider could not be reached: name resolution, connection refused or reset, TLS. Retryable.
    case connectionFailed(reason: String)
    /// The provider is throttling us (HTTP 429). Retryable, no sooner than `retryAfter` when it said.
    case rateLimited(retryAfter: Duration?, code: String?, message: String)
    /// The provider failed on its side (HTTP 5xx). Retryable.
    case serverError(status: Int, code: String?, message: String)
    /// The provider refused the credentials (HTTP 401 or 403). Permanent until they change.
    case authenticationFailed(status: Int, code: String?, message: String)
    /// The provider refused the message (any other 4xx), with its error code. Permanent.
    case rejected(status: Int, code: String?, message: String)
    /// A success status with a body we could not read. Permanent: the provider may have queued the
    /// message, and a resend could deliver it twice.
    case invalidResponse(reason: String)
    /// We could not build the request (credentials for another provider, an unusable base URL).
    /// Permanent, and nothing was sent.
    case invalidRequest(reason: String)
    /// A webhook request whose body or parameters are not what the provider sends.
    case malformedWebhook(reason: String)
    /// A webhook request whose signature, token or timestamp did not verify.
    case invalidSignature(reason: String)

    /// Whether sending again later may succeed.
    package var isRetryable: Bool {
        switch self {
        case .timeout, .connectionFailed, .rateLimited, .serverError: true
        case .authenticationFailed, .rejected, .invalidResponse, .invalidRequest, .malformedWebhook,
            .invalidSignature:
            false
        }
    }

    /// How long the provider asked us to wait (`Retry-After`, Telnyx `x-ratelimit-reset`).
    package var retryAfter: Duration? {
        if case .rateLimited(let retryAfter, _, _) = self { return retryAfter }
        return nil
    }

    /// The provider's own error code (Twilio `21211`, Telnyx `40310`, Vonage `1150`), when it gave one.
    package var providerCode: String? {
        switch self {
        case .rateLimited(_, let code, _), .serverError(_, let code, _), .authenticationFailed(_, let code, _),
            .rejected(_, let code, _):
            code
        case .timeout, .connectionFailed, .invalidResponse, .invalidRequest, .malformedWebhook, .invalidSignature:
            nil
        }
    }

    /// The HTTP status the provider answered with, when the error came from an answer.
    package var httpStatus: Int? {
        switch self {
        case .rateLimited: 429
        case .serverError(let status, _, _), .authenticationFailed(let status, _, _), .rejected(let status, _, _):
            status
        case .timeout, .connectionFailed, .invalidResponse, .invalidRequest, .malformedWebhook, .invalidSignature:
            nil
        }
    }

    /// A human-readable reason: the provider's message where it gave one.
    package var message: String {
        switch self {
        case .timeout: "the provider did not answer in time"
        case .connectionFailed(let reason): "could not reach the provider: \(reason)"
        case .rateLimited(_, _, let message), .serverError(_, _, let message),
            .authenticationFailed(_, _, let message), .rejected(_, _, let message):
            message
        case .invalidResponse(let reason): "unreadable provider response: \(reason)"
        case .invalidRequest(let reason): reason
        case .malformedWebhook(let reason): "malformed webhook: \(reason)"
        case .invalidSignature(let reason): "invalid webhook signature: \(reason)"
        }
    }

    package var description: String {
        var parts: [String] = []
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let providerCode { parts.append("code \(providerCode)") }
        parts.append(message)
        return parts.joined(separator: ", ")
    }
}
