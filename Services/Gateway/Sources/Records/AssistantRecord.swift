import GRDB
import WireModels

/// A row of `assistants`. The webhook secret and the LLM API key are sealed with `SECRETS_KEY`;
/// `llm_settings` and `sms_settings` are JSON.
struct AssistantRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "assistants"

    var id: Int64?
    var organizationID: Int64
    var name: String
    var description: String?
    var smsWebhookURL: String?
    var sealedWebhookSecret: String
    var llmProvider: String?
    var llmBaseURL: String?
    var sealedLLMAPIKey: String?
    var llmSettings: String?
    var smsSettings: String?
    var isActive: Bool
    var createdAt: Double
    var updatedAt: Double

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case organizationID = "organization_id"
        case smsWebhookURL = "sms_webhook_url"
        case sealedWebhookSecret = "sealed_webhook_secret"
        case llmProvider = "llm_provider"
        case llmBaseURL = "llm_base_url"
        case sealedLLMAPIKey = "sealed_llm_api_key"
        case llmSettings = "llm_settings"
        case smsSettings = "sms_settings"
        case isActive = "is_active"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
