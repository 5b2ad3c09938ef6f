/// Sends one message through one provider with one organization's credentials.
///
/// Implementations throw ``ProviderError`` for everything the provider or the network did (use
/// ``ProviderError/isRetryable`` to decide on a retry) and let `CancellationError` through.
package protocol SMSProviderClient: Sendable {
    /// The provider this client talks to.
    var provider: ProviderName { get }

    /// Submits the message; success means the provider accepted (queued) it, not that it was delivered.
    func send(_ request: ProviderSendRequest) async throws -> ProviderSendResult
}
