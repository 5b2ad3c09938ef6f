import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import SQLiteStore
import ServiceRuntime
import WireModels

/// `/api/v1/users/me/api-keys`: create (the key is shown once), list, revoke.
struct APIKeyController: Sendable {
    let database: SQLiteDatabase
    let usage: APIKeyUsageRecorder
    let apiKeys: APIKeyCache

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        // POST /api/v1/users/me/api-keys
        group.post("users/me/api-keys") { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.decodeJSON(CreateAPIKeyRequest.self, context: context)
            let name = try Validation.requireText(body.name, field: "name")
            let (record, key) = try await database.write { db in
                try Self.create(db, organizationID: identity.organizationID, userID: identity.userID, name: name)
            }
            return try jsonResponse(CreatedAPIKeyResponse(apiKey: record.response, key: key), status: .created)
        }
        // GET /api/v1/users/me/api-keys
        group.get("users/me/api-keys") { request, context in
            let identity = try context.requireIdentity()
            let page = try Pagination(request)
            let (records, total) = try await database.read { db in
                let filter = "user_id = ? AND organization_id = ? AND revoked_at IS NULL"
                let arguments: StatementArguments = [identity.userID, identity.organizationID]
                let records = try APIKeyRecord.fetchAll(
                    db, sql: "SELECT * FROM api_keys WHERE \(filter) ORDER BY id LIMIT ? OFFSET ?",
                    arguments: arguments + [page.limit, page.skip])
                let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys WHERE \(filter)", arguments: arguments) ?? 0
                return (records, total)
            }
            let responses = records.map { record in
                var record = record
                if let unwritten = usage.unwritten(keyID: record.id!) { record.lastUsedAt = max(record.lastUsedAt ?? 0, unwritten) }
                return record.response
            }
            return try jsonResponse(responses, headers: [.totalCount: String(total)])
        }
        // DELETE /api/v1/users/me/api-keys/{id}
        group.delete("users/me/api-keys/:id") { _, context in
            let identity = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self)
            let revoked = try await database.write { db in
                try db.execute(
                    sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND organization_id = ? AND revoked_at IS NULL",
                    arguments: [Date().timeIntervalSince1970, id, identity.userID, identity.organizationID])
                return db.changesCount
            }
            guard revoked == 1 else { throw APIError.notFound("API key not found") }
            apiKeys.forget(keyID: id)
            return noContentResponse()
        }
    }

    /// Inserts a new key for a user and returns it with the plaintext key (shown once).
    static func create(_ db: Database, organizationID: Int64, userID: Int64, name: String) throws -> (APIKeyRecord, String) {
        let key = SecretToken.apiKey()
        var record = APIKeyRecord(
            id: nil, organizationID: organizationID, userID: userID, name: name, keyPrefix: SecretToken.displayPrefix(of: key),
            keyHash: SecretToken.sha256Hex(key), createdAt: Date().timeIntervalSince1970, lastUsedAt: nil, revokedAt: nil)
        try record.insert(db)
        return (record, key)
    }
}

extension HTTPField.Name {
    /// `X-Total-Count`: the number of items a paged list has in all.
    static let totalCount = HTTPField.Name("X-Total-Count")!
}
