/// `llm_provider_config` of an assistant as sent: the API key is a secret.
public struct LLMProviderConfig: Codable, Sendable, Equatable {
    public var apiKey: String?
    public var baseURL: String?

    public init(apiKey: String? = nil, baseURL: String? = nil) {
        self.apiKey = apiKey
        self.baseURL = baseURL
    }

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case baseURL = "base_url"
    }
}

/// `llm_provider_config` as shown: whether the key is set, never its value.
public struct LLMProviderConfigResponse: Codable, Sendable, Equatable {
    public var baseURL: String?
    public var apiKeySet: Bool

    public init(baseURL: String?, apiKeySet: Bool) {
        self.baseURL = baseURL
        self.apiKeySet = apiKeySet
    }

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url"
        case apiKeySet = "api_key_set"
    }
}

/// `llm_settings` of an assistant.
public struct LLMSettings: Codable, Sendable, Equatable {
    public var model: String?
    public var systemPrompt: String?
    public var temperature: Double?
    public var maxTokens: Int?

    public init(model: String? = nil, systemPrompt: String? = nil, temperature: Double? = nil, maxTokens: Int? = nil) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.temperature = temperature
        self.maxTokens = maxTokens
    }

    enum CodingKeys: String, CodingKey {
        case model, temperature
        case systemPrompt = "system_prompt"
        case maxTokens = "max_tokens"
    }
}

/// `sms_settings` of an assistant.
public struct SMSSettings: Codable, Sendable, Equatable {
    public var autoReply: Bool?

    public init(autoReply: Bool? = nil) {
        self.autoReply = autoReply
    }

    enum CodingKeys: String, CodingKey {
        case autoReply = "auto_reply"
    }
}

/// Body of `POST`, `PUT` (all fields; `name` required) and `PATCH` (any fields) on assistants.
public struct AssistantRequest: Decodable, Sendable {
    public var name: FieldUpdate<String>
    public var description: FieldUpdate<String>
    public var smsWebhookURL: FieldUpdate<String>
    public var llmProvider: FieldUpdate<String>
    public var llmProviderConfig: FieldUpdate<LLMProviderConfig>
    public var llmSettings: FieldUpdate<LLMSettings>
    public var smsSettings: FieldUpdate<SMSSettings>
    public var isActive: FieldUpdate<Bool>

    enum CodingKeys: String, CodingKey {
        case name, description
        case smsWebhookURL = "sms_webhook_url"
        case llmProvider = "llm_provider"
        case llmProviderConfig = "llm_provider_config"
        case llmSettings = "llm_settings"
        case smsSettings = "sms_settings"
        case isActive = "is_active"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeUpdate(String.self, forKey: .name)
        description = try container.decodeUpdate(String.self, forKey: .description)
        smsWebhookURL = try container.decodeUpdate(String.self, forKey: .smsWebhookURL)
        llmProvider = try container.decodeUpdate(String.self, forKey: .llmProvider)
        llmProviderConfig = try container.decodeUpdate(LLMProviderConfig.self, forKey: .llmProviderConfig)
        llmSettings = try container.decodeUpdate(LLMSettings.self, forKey: .llmSettings)
        smsSettings = try container.decodeUpdate(SMSSettings.self, forKey: .smsSettings)
        isActive = try container.decodeUpdate(Bool.self, forKey: .isActive)
    }
}

/// An assistant as the API shows it. `webhook_secret` appears only in the answer that created it
/// (or rotated it).
public struct AssistantResponse: Codable, Sendable, Equatable {
    public var id: Int
    public var organizationID: Int
    public var name: String
    public var description: String?
    public var smsWebhookURL: String?
    public var llmProvider: String?
    public var llmProviderConfig: LLMProviderConfigResponse
    public var llmSettings: LLMSettings?
    public var smsSettings: SMSSettings?
    public var isActive: Bool
    public var phoneNumbers: [String]
    public var createdAt: String
    public var updatedAt: String
    public var webhookSecret: String?

    public init(
        id: Int, organizationID: Int, name: String, description: String?, smsWebhookURL: String?, llmProvider: String?,
        llmProviderConfig: LLMProviderConfigResponse, llmSettings: LLMSettings?, smsSettings: SMSSettings?, isActive: Bool,
        phoneNumbers: [String], createdAt: String, updatedAt: String, webhookSecret: String? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.description = description
        self.smsWebhookURL = smsWebhookURL
        self.llmProvider = llmProvider
        self.llmProviderConfig = llmProviderConfig
        self.llmSettings = llmSettings
        self.smsSettings = smsSettings
        self.isActive = isActive
        self.phoneNumbers = phoneNumbers
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.webhookSecret = webhookSecret
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case organizationID = "organization_id"
        case smsWebhookURL = "sms_webhook_url"
        case llmProvider = "llm_provider"
        case llmProviderConfig = "llm_provider_config"
        case llmSettings = "llm_settings"
        case smsSettings = "sms_settings"
        case isActive = "is_active"
        case phoneNumbers = "phone_numbers"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case webhookSecret = "webhook_secret"
    }
}
