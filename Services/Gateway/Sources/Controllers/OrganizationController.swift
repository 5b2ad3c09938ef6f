import Foundation
import GRDB
import Hummingbird
import SQLiteStore
import ServiceRuntime
import WireModels

/// `GET` and `PUT /api/v1/organization`: the caller's organization and its provider credentials.
struct OrganizationController: Sendable {
    let database: SQLiteDatabase
    let secrets: SecretBox
    let directory: DirectoryPublisher

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        // GET /api/v1/organization
        group.get("organization") { _, context in
            let identity = try context.requireIdentity()
            return try jsonResponse(try await response(organizationID: identity.organizationID))
        }
        // PUT /api/v1/organization
        group.put("organization") { request, context in
            let identity = try context.requireIdentity()
            let update = try await request.decodeJSON(UpdateOrganizationRequest.self, context: context)
            try Validation.credentials(update)
            let secrets = self.secrets
            try await database.write { db in
                guard var organization = try OrganizationRecord.fetchOne(db, key: identity.organizationID) else {
                    throw APIError.notFound("Organization not found")
                }
                if case .set(let name) = update.name {
                    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
                    let taken = try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM organizations WHERE name = ? AND id != ?", arguments: [name, identity.organizationID])
                    if taken == true { throw APIError.conflict("An organization with this name already exists") }
                    organization.name = name
                }
                let current = try organization.sealedCredentials.map { try secrets.openJSON(OrganizationCredentials.self, from: $0) }
                organization.sealedCredentials = try secrets.sealJSON(update.applied(to: current ?? OrganizationCredentials()))
                organization.updatedAt = Date().timeIntervalSince1970
                try organization.update(db)
            }
            await directory.publish(organizationID: identity.organizationID)
            return try jsonResponse(try await response(organizationID: identity.organizationID))
        }
    }

    private func response(organizationID: Int64) async throws -> OrganizationResponse {
        guard let organization = try await database.read({ db in try OrganizationRecord.fetchOne(db, key: organizationID) }) else {
            throw APIError.notFound("Organization not found")
        }
        let credentials = try organization.sealedCredentials.map { try secrets.openJSON(OrganizationCredentials.self, from: $0) }
        return OrganizationResponse(
            id: Int(organizationID), name: organization.name, credentials: credentials ?? OrganizationCredentials(),
            createdAt: Timestamp.string(organization.createdAt), updatedAt: Timestamp.string(organization.updatedAt))
    }
}
