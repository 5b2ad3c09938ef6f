import WireModels

extension ProviderCredentials {
    /// The organization's credentials for `provider`, or nil when it has not set every one that
    /// sending needs (the Telnyx messaging profile is optional).
    package init?(provider: ProviderName, organization: OrganizationCredentials) {
        switch provider {
        case .twilio:
            guard let sid = organization.twilioAccountSID.nonEmpty, let token = organization.twilioAuthToken.nonEmpty
            else { return nil }
            self = .twilio(accountSID: sid, authToken: token)
        case .telnyx:
            guard let key = organization.telnyxAPIKey.nonEmpty else { return nil }
            self = .telnyx(apiKey: key, messagingProfileID: organization.telnyxMessagingProfileID.nonEmpty)
        case .vonage:
            guard let key = organization.vonageAPIKey.nonEmpty, let secret = organization.vonageAPISecret.nonEmpty
            else { return nil }
            self = .vonage(apiKey: key, apiSecret: secret)
        }
    }
}

extension String? {
    /// The string, unless it is nil or empty.
    fileprivate var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
