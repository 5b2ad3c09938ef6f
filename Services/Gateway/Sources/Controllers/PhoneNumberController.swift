import Foundation
import GRDB
import Hummingbird
import SQLiteStore
import ServiceRuntime
import WireModels

/// `/api/v1/phone-numbers`: register a number the organization owns, list, get, assign or
/// unassign an assistant, delete. A number belongs to one organization at most.
struct PhoneNumberController: Sendable {
    let database: SQLiteDatabase
    let directory: DirectoryPublisher

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        // POST /api/v1/phone-numbers
        group.post("phone-numbers") { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.decodeJSON(CreatePhoneNumberRequest.self, context: context)
            let number = try Validation.phoneNumber(body.phoneNumber)
            let provider = try Validation.provider(body.provider)
            try Validation.checkLength(body.friendlyName, field: "friendly_name", max: 255)
            let record = try await database.write { db in
                if let holder = try Int64.fetchOne(db, sql: "SELECT organization_id FROM phone_numbers WHERE phone_number = ?", arguments: [number]) {
                    throw APIError.conflict(
                        holder == identity.organizationID
                            ? "Phone number \(number) is already registered"
                            : "Phone number \(number) is registered to another organization")
                }
                let assistantID = try Self.assistant(db, body.assistantID.map(Int64.init), organizationID: identity.organizationID)
                let now = Date().timeIntervalSince1970
                var record = PhoneNumberRecord(
                    id: nil, organizationID: identity.organizationID, phoneNumber: number, provider: provider,
                    assistantID: assistantID, friendlyName: body.friendlyName, createdAt: now, updatedAt: now)
                try record.insert(db)
                return record
            }
            await directory.publish(organizationID: identity.organizationID)
            return try jsonResponse(record.response, status: .created)
        }
        // GET /api/v1/phone-numbers
        group.get("phone-numbers") { request, context in
            let identity = try context.requireIdentity()
            let page = try Pagination(request)
            let (records, total) = try await database.read { db in
                let records = try PhoneNumberRecord.fetchAll(
                    db, sql: "SELECT * FROM phone_numbers WHERE organization_id = ? ORDER BY id LIMIT ? OFFSET ?",
                    arguments: [identity.organizationID, page.limit, page.skip])
                let total = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM phone_numbers WHERE organization_id = ?", arguments: [identity.organizationID]) ?? 0
                return (records, total)
            }
            return try jsonResponse(records.map(\.response), headers: [.totalCount: String(total)])
        }
        // GET /api/v1/phone-numbers/{id}
        group.get("phone-numbers/:id") { _, context in
            let identity = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self)
            let record = try await database.read { db in try Self.fetch(db, id: id, organizationID: identity.organizationID) }
            return try jsonResponse(record.response)
        }
        // PATCH /api/v1/phone-numbers/{id}
        group.patch("phone-numbers/:id") { request, context in
            let identity = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self)
            let body = try await request.decodeJSON(UpdatePhoneNumberRequest.self, context: context)
            try Validation.checkLength(body.friendlyName.value, field: "friendly_name", max: 255)
            let record = try await database.write { db in
                var record = try Self.fetch(db, id: id, organizationID: identity.organizationID)
                switch body.assistantID {
                case .unchanged: break
                case .clear, .set(0): record.assistantID = nil
                case .set(let assistantID):
                    record.assistantID = try Self.assistant(db, Int64(assistantID), organizationID: identity.organizationID)
                }
                record.friendlyName = body.friendlyName.applied(to: record.friendlyName)
                record.updatedAt = Date().timeIntervalSince1970
                try record.update(db)
                return record
            }
            await directory.publish(organizationID: identity.organizationID)
            return try jsonResponse(record.response)
        }
        // DELETE /api/v1/phone-numbers/{id}
        group.delete("phone-numbers/:id") { _, context in
            let identity = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self)
            let number = try await database.write { db in
                let record = try Self.fetch(db, id: id, organizationID: identity.organizationID)
                _ = try record.delete(db)
                return record.phoneNumber
            }
            await directory.publish(organizationID: identity.organizationID, removedKeys: [RedisKey.directoryNumber(number)])
            return noContentResponse()
        }
    }

    static func fetch(_ db: Database, id: Int64, organizationID: Int64) throws -> PhoneNumberRecord {
        guard
            let record = try PhoneNumberRecord.fetchOne(
                db, sql: "SELECT * FROM phone_numbers WHERE id = ? AND organization_id = ?", arguments: [id, organizationID])
        else { throw APIError.notFound("Phone number not found") }
        return record
    }

    /// The assistant id when it belongs to the organization; 404 otherwise (another
    /// organization's assistant is indistinguishable from a missing one).
    static func assistant(_ db: Database, _ id: Int64?, organizationID: Int64) throws -> Int64? {
        guard let id, id != 0 else { return nil }
        _ = try AssistantController.fetch(db, id: id, organizationID: organizationID)
        return id
    }
}
