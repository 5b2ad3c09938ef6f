import Foundation
import GRDB
import HummingbirdBcrypt
import Logging
import SQLiteStore
import ServiceRuntime
import WireModels

/// `gateway bootstrap --organization NAME --email EMAIL --password PASSWORD`: creates an
/// organization with an admin user and one API key, publishes it to the directory, and returns
/// what to print. It opens the same `DATA_DIR` and `REDIS_URL` as the server, and works while the
/// server runs (SQLite WAL lets both write; the server's periodic resync would publish it too).
package enum GatewayBootstrap {
    /// The parsed command line.
    package struct Arguments: Sendable, Equatable {
        package var organization: String
        package var email: String
        package var password: String

        /// Parses `--organization`, `--email`, `--password` (each `--flag value` or `--flag=value`).
        package init(_ arguments: [String]) throws {
            var values: [String: String] = [:]
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                guard argument.hasPrefix("--") else { throw BootstrapError.usage("unexpected argument '\(argument)'") }
                if let equals = argument.firstIndex(of: "=") {
                    values[String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])] = String(argument[argument.index(after: equals)...])
                    index += 1
                } else {
                    guard index + 1 < arguments.count else { throw BootstrapError.usage("\(argument) needs a value") }
                    values[String(argument.dropFirst(2))] = arguments[index + 1]
                    index += 2
                }
            }
            for name in values.keys where !["organization", "email", "password"].contains(name) {
                throw BootstrapError.usage("unknown option --\(name)")
            }
            guard let organization = values["organization"], let email = values["email"], let password = values["password"] else {
                throw BootstrapError.usage("--organization, --email and --password are required")
            }
            self.organization = organization
            self.email = email
            self.password = password
        }
    }

    /// Creates the organization, user and key; throws `BootstrapError` for a duplicate or bad input.
    package static func run(_ arguments: Arguments, configuration: GatewayConfiguration) async throws -> BootstrapResult {
        var logger = Logger(label: "switchboard.gateway")
        logger.logLevel = .error  // standard output carries only the JSON line
        let host = try ServiceHost(
            configuration: configuration.service, migrations: GatewayMigrations.all, logger: logger)
        let name = try validated { try Validation.requireText(arguments.organization, field: "organization") }
        let email = try validated { try Validation.email(arguments.email) }
        try validated { try Validation.password(arguments.password) }
        let hash = try await PasswordHasher(cost: configuration.bcryptCost).hash(arguments.password)

        let result = try await host.database.write { db -> BootstrapResult in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM organizations WHERE name = ?", arguments: [name]) == true {
                throw BootstrapError.duplicate("an organization named '\(name)' already exists")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE email = ?", arguments: [email]) == true {
                throw BootstrapError.duplicate("a user with email '\(email)' already exists")
            }
            let now = Date().timeIntervalSince1970
            var organization = OrganizationRecord(id: nil, name: name, sealedCredentials: nil, createdAt: now, updatedAt: now)
            try organization.insert(db)
            var user = UserRecord(
                id: nil, organizationID: organization.id!, email: email, passwordHash: hash, fullName: nil, role: "admin",
                isActive: true, createdAt: now, lastLoginAt: nil)
            try user.insert(db)
            let (_, key) = try APIKeyController.create(db, organizationID: organization.id!, userID: user.id!, name: "bootstrap")
            return BootstrapResult(organizationID: Int(organization.id!), userID: Int(user.id!), apiKey: key)
        }
        let publisher = DirectoryPublisher(database: host.database, redis: host.redis, logger: logger)
        await publisher.publish(organizationID: Int64(result.organizationID))
        await host.redis.shutdown()
        return result
    }

    private static func validated<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as APIError {
            throw BootstrapError.invalid(error.detail)
        }
    }
}

/// Why `gateway bootstrap` refused.
package enum BootstrapError: Error, CustomStringConvertible {
    /// The command line is malformed.
    case usage(String)
    /// A value is invalid (an empty name, a malformed email, a short password).
    case invalid(String)
    /// The organization or the email exists already.
    case duplicate(String)

    package var description: String {
        switch self {
        case .usage(let reason):
            "bootstrap: \(reason); usage: gateway bootstrap --organization NAME --email EMAIL --password PASSWORD"
        case .invalid(let reason): "bootstrap: \(reason)"
        case .duplicate(let reason): "bootstrap: \(reason)"
        }
    }
}
