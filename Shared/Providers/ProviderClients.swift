import AsyncHTTPClient
import Logging
import WireModels

/// Builds the client for a provider and an organization's credentials, from the configured base
/// URLs and one shared `HTTPClient`.
package struct ProviderClients: Sendable {
    private let httpClient: HTTPClient
    private let baseURLs: [ProviderName: String]
    private let timeout: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - httpClient: shared by every client; never one per request.
    ///   - baseURLs: overrides of ``ProviderName/defaultBaseURL`` (`TWILIO_API_BASE`, …).
    ///   - timeout: per request, from sending to the last byte of the reply.
    package init(
        httpClient: HTTPClient,
        baseURLs: [ProviderName: String] = [:],
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "switchboard.providers")
    ) {
        self.httpClient = httpClient
        self.baseURLs = baseURLs
        self.timeout = timeout
        self.logger = logger
    }

    /// The base URL used for `provider`.
    package func baseURL(for provider: ProviderName) -> String {
        baseURLs[provider] ?? provider.defaultBaseURL
    }

    /// The client for `credentials`' provider.
    package func client(for credentials: ProviderCredentials) -> any SMSProviderClient {
        let baseURL = baseURL(for: credentials.provider)
        switch credentials {
        case .twilio(let accountSID, let authToken):
            return TwilioClient(
                httpClient: httpClient, accountSID: accountSID, authToken: authToken, baseURL: baseURL,
                timeout: timeout, logger: logger)
        case .telnyx(let apiKey, let messagingProfileID):
            return TelnyxClient(
                httpClient: httpClient, apiKey: apiKey, messagingProfileID: messagingProfileID, baseURL: baseURL,
                timeout: timeout, logger: logger)
        case .vonage(let apiKey, let apiSecret):
            return VonageClient(
                httpClient: httpClient, apiKey: apiKey, apiSecret: apiSecret, baseURL: baseURL, timeout: timeout,
                logger: logger)
        }
    }

    /// The client for the provider named `name` (`"twilio"`, `"telnyx"`, `"vonage"`), checking
    /// that `credentials` belong to it.
    package func client(named name: String, credentials: ProviderCredentials) throws(ProviderError)
        -> any SMSProviderClient
    {
        guard let provider = ProviderName(rawValue: name) else {
            throw ProviderError.invalidRequest(reason: "unknown provider \(name)")
        }
        guard credentials.provider == provider else {
            throw ProviderError.invalidRequest(
                reason: "\(credentials.provider.rawValue) credentials cannot send through \(provider.rawValue)")
        }
        return client(for: credentials)
    }

    /// The client for the provider named `name` with the organization's credentials for it;
    /// throws ``ProviderError/invalidRequest(reason:)`` when the name is unknown or the
    /// organization has not set those credentials.
    package func client(named name: String, organization: OrganizationCredentials) throws(ProviderError)
        -> any SMSProviderClient
    {
        guard let provider = ProviderName(rawValue: name) else {
            throw ProviderError.invalidRequest(reason: "unknown provider \(name)")
        }
        guard let credentials = ProviderCredentials(provider: provider, organization: organization) else {
            throw ProviderError.invalidRequest(reason: "the organization has no \(name) credentials")
        }
        return client(for: credentials)
    }
}
