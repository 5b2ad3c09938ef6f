import Foundation
import GRDB
import Hummingbird
import SQLiteStore
import ServiceRuntime
import WireModels

/// `/api/v1/assistants`: create (with a generated webhook secret), list, get, replace, update, delete.
struct AssistantController: Sendable {
    let database: SQLiteDatabase
    let secrets: SecretBox
    let directory: DirectoryPublisher

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        // POST /api/v1/assistants
        group.post("assistants") { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.decodeJSON(AssistantRequest.self, context: context)
            let webhookSecret = "whsec_" + SecretToken.random(count: 40)
            let now = Date().timeIntervalSince1970
            var record = AssistantRecord(
                id: nil, organizationID: identity.organizationID, name: "", description: nil, smsWebhookURL: nil,
                sealedWebhookSecret: try secrets.seal(webhookSecret), llmProvider: nil, llmBaseURL: nil,
                sealedLLMAPIKey: nil, llmSettings: nil, smsSettings: nil, isActive: true, createdAt: now, updatedAt: now)
            try apply(body, to: &record, replacing: true)
            let inserted = try await database.write { [record] db in
                var record = record
                try record.insert(db)
                return record
            }
            await directory.publish(organizationID: identity.organizationID)
            var response = try Self.response(inserted, phoneNumbers: [])
            response.webhookSecret = webhookSecret
            return try jsonResponse(response, status: .created)
        }
        // GET /api/v1/assistants
        group.get("assistants") { request, context in
            let identity = try context.requireIdentity()
            let page = try Pagination(request)
            let (records, numbers, total) = try await database.read { db in
                let records = try AssistantRecord.fetchAll(
                    db, sql: "SELECT * FROM assistants WHERE organization_id = ? ORDER BY id LIMIT ? OFFSET ?",
                    arguments: [identity.organizationID, page.limit, page.skip])
                let total = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM assistants WHERE organization_id = ?", arguments: [identity.organizationID]) ?? 0
                return (records, try Self.numbers(db, organizationID: identity.organizationID), total)
            }
            let responses = try records.map { try Self.response($0, phoneNumbers: numbers[$0.id!] ?? []) }
            return try jsonResponse(responses, headers: [.totalCount: String(total)])
        }
        // GET /api/v1/assistants/{id}
        group.get("assistants/:id") { _, context in
            let identity = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self)
            let (record, numbers) = try await database.read { db in
                (try Self.fetch(db, id: id, organizationID: identity.organizationID), try Self.numbers(db, organizationID: identity.organizationID))
            }
            return try jsonResponse(try Self.response(record, phoneNumbers: numbers[id] ?? []))
        }
        // PUT /api/v1/assistants/{id}
        group.put("assistants/:id") { request, context in
            try await update(request, context: context, replacing: true)
        }
        // PATCH /api/v1/assistants/{id}
        group.patch("assistants/:id") { request, context in
            try await update(request, context: context, replacing: false)
        }
        // DELETE /api/v1/assistants/{id}
        group.delete("assistants/:id") { _, context in
            let identity = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self)
            try await database.write { db in
                let record = try Self.fetch(db, id: id, organizationID: identity.organizationID)
                _ = try record.delete(db)  // its numbers are unassigned by ON DELETE SET NULL
            }
            await directory.publish(organizationID: identity.organizationID, removedKeys: [RedisKey.directoryAssistant(Int(id))])
            return noContentResponse()
        }
    }

    private func update(_ request: Request, context: GatewayRequestContext, replacing: Bool) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.require("id", as: Int64.self)
        let body = try await request.decodeJSON(AssistantRequest.self, context: context)
        let (record, numbers) = try await database.write { db in
            var record = try Self.fetch(db, id: id, organizationID: identity.organizationID)
            try apply(body, to: &record, replacing: replacing)
            record.updatedAt = Date().timeIntervalSince1970
            try record.update(db)
            return (record, try Self.numbers(db, organizationID: identity.organizationID))
        }
        await directory.publish(organizationID: identity.organizationID)
        return try jsonResponse(try Self.response(record, phoneNumbers: numbers[id] ?? []))
    }

    /// Applies a request to a record. `replacing` (POST, PUT) requires `name` and resets absent
    /// optional fields; otherwise (PATCH) absent fields stay as they are.
    private func apply(_ body: AssistantRequest, to record: inout AssistantRecord, replacing: Bool) throws {
        func resolved<T>(_ update: FieldUpdate<T>, _ current: T?) -> T? {
            if replacing, case .unchanged = update { return nil }
            return update.applied(to: current)
        }
        if replacing || body.name != .unchanged {
            record.name = try Validation.requireText(body.name.value, field: "name")
        }
        record.description = resolved(body.description, record.description)
        try Validation.checkLength(record.description, field: "description", max: 2000)
        record.smsWebhookURL = try Validation.webhookURL(resolved(body.smsWebhookURL, record.smsWebhookURL), field: "sms_webhook_url")
        record.llmProvider = resolved(body.llmProvider, record.llmProvider)
        try Validation.checkLength(record.llmProvider, field: "llm_provider", max: 64)
        switch body.llmProviderConfig {
        case .set(let config):
            try Validation.checkLength(config.apiKey, field: "llm_provider_config.api_key", max: 512)
            record.llmBaseURL = try Validation.webhookURL(config.baseURL, field: "llm_provider_config.base_url")
            if let apiKey = config.apiKey { record.sealedLLMAPIKey = try secrets.seal(apiKey) } else if replacing { record.sealedLLMAPIKey = nil }
        case .clear:
            record.llmBaseURL = nil
            record.sealedLLMAPIKey = nil
        case .unchanged:
            if replacing {
                record.llmBaseURL = nil
                record.sealedLLMAPIKey = nil
            }
        }
        let llmSettings = try resolved(body.llmSettings, record.llmSettings.map { try decodeJSON(LLMSettings.self, $0) })
        try Validation.llmSettings(llmSettings)
        record.llmSettings = try llmSettings.map(encodeJSON)
        let smsSettings = try resolved(body.smsSettings, record.smsSettings.map { try decodeJSON(SMSSettings.self, $0) })
        record.smsSettings = try smsSettings.map(encodeJSON)
        if replacing || body.isActive != .unchanged { record.isActive = body.isActive.value ?? true }
    }

    static func fetch(_ db: Database, id: Int64, organizationID: Int64) throws -> AssistantRecord {
        guard
            let record = try AssistantRecord.fetchOne(
                db, sql: "SELECT * FROM assistants WHERE id = ? AND organization_id = ?", arguments: [id, organizationID])
        else { throw APIError.notFound("Assistant not found") }
        return record
    }

    /// The organization's numbers by assistant.
    static func numbers(_ db: Database, organizationID: Int64) throws -> [Int64: [String]] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT assistant_id, phone_number FROM phone_numbers WHERE organization_id = ? AND assistant_id IS NOT NULL ORDER BY id",
            arguments: [organizationID])
        return Dictionary(grouping: rows, by: { $0["assistant_id"] as Int64 }).mapValues { $0.map { $0["phone_number"] } }
    }

    static func response(_ record: AssistantRecord, phoneNumbers: [String]) throws -> AssistantResponse {
        AssistantResponse(
            id: Int(record.id!), organizationID: Int(record.organizationID), name: record.name, description: record.description,
            smsWebhookURL: record.smsWebhookURL, llmProvider: record.llmProvider,
            llmProviderConfig: LLMProviderConfigResponse(baseURL: record.llmBaseURL, apiKeySet: record.sealedLLMAPIKey != nil),
            llmSettings: try record.llmSettings.map { try decodeJSON(LLMSettings.self, $0) },
            smsSettings: try record.smsSettings.map { try decodeJSON(SMSSettings.self, $0) }, isActive: record.isActive,
            phoneNumbers: phoneNumbers, createdAt: Timestamp.string(record.createdAt), updatedAt: Timestamp.string(record.updatedAt))
    }
}

private func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(text.utf8))
}

private func encodeJSON(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}
