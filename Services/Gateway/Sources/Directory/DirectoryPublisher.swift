import Foundation
import GRDB
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import Synchronization
import WireModels

/// Publishes the tenant directory (numbers, organizations with sealed credentials, assistants)
/// from `gateway.sqlite` to Redis, where the other processes read it (`DirectoryReader`).
///
/// Every change republishes the whole organization it touched in one MULTI/EXEC, right after the
/// SQLite commit, so other processes see it at once. On start, and every `resyncInterval`, the
/// whole directory is rewritten and keys that no longer belong are deleted. If Redis is down when
/// a change is published, a full resync is retried every second until it succeeds.
final class DirectoryPublisher: Service, Sendable {
    private let database: SQLiteDatabase
    private let redis: RedisClient
    private let resyncInterval: Duration
    private let logger: Logger
    private let needsResync = Mutex(true)

    init(database: SQLiteDatabase, redis: RedisClient, resyncInterval: Duration = .seconds(60), logger: Logger) {
        self.database = database
        self.redis = redis
        self.resyncInterval = resyncInterval
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var sinceFullResync = ContinuousClock.now
            while !Task.isCancelled {
                let due = ContinuousClock.now - sinceFullResync >= self.resyncInterval
                if due || self.needsResync.withLock({ $0 }) {
                    if await self.resyncAll() { sinceFullResync = ContinuousClock.now }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Republishes one organization after a change. `removedKeys` are directory keys of entities
    /// the change deleted (a number, an assistant). Never throws: a failure schedules a resync.
    func publish(organizationID: Int64, removedKeys: [String] = []) async {
        do {
            let entries = try await database.read { db in try Self.entries(db, organizationID: organizationID) }
            var commands: [[String]] = [["MULTI"]]
            if !removedKeys.isEmpty {
                commands.append(["DEL"] + removedKeys)
                commands.append(["SREM", RedisKey.directoryIndex] + removedKeys)
            }
            for (key, json) in entries { commands.append(["SET", key, json]) }
            if !entries.isEmpty { commands.append(["SADD", RedisKey.directoryIndex] + entries.map(\.key)) }
            commands.append(["INCR", RedisKey.directoryVersion])
            commands.append(["EXEC"])
            try Self.checkExec(try await redis.pipeline(commands))
        } catch {
            needsResync.withLock { $0 = true }
            logger.warning("directory publish failed; will resync", metadata: ["sb.error": "\(error)"])
        }
    }

    /// Rewrites the whole directory and deletes stale keys. Returns whether it succeeded.
    @discardableResult
    func resyncAll() async -> Bool {
        do {
            let entries = try await database.read { db in try Self.entries(db, organizationID: nil) }
            let existing = Set(try await redis.command("SMEMBERS", RedisKey.directoryIndex).array?.compactMap(\.string) ?? [])
            let stale = existing.subtracting(entries.map(\.key))
            var commands: [[String]] = [["MULTI"]]
            if !stale.isEmpty { commands.append(["DEL"] + stale) }
            commands.append(["DEL", RedisKey.directoryIndex])
            for (key, json) in entries { commands.append(["SET", key, json]) }
            if !entries.isEmpty { commands.append(["SADD", RedisKey.directoryIndex] + entries.map(\.key)) }
            commands.append(["INCR", RedisKey.directoryVersion])
            commands.append(["EXEC"])
            try Self.checkExec(try await redis.pipeline(commands))
            needsResync.withLock { $0 = false }
            logger.debug("directory resynced", metadata: ["sb.entries": "\(entries.count)"])
            return true
        } catch {
            needsResync.withLock { $0 = true }
            logger.warning("directory resync failed", metadata: ["sb.error": "\(error)"])
            return false
        }
    }

    private static func checkExec(_ replies: [RedisValue]) throws {
        if let error = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.server(error) }
        guard let last = replies.last, last.array != nil else { throw RedisError.unexpectedReply("EXEC aborted") }
    }

    /// Every directory key and JSON value, for one organization or for all.
    static func entries(_ db: Database, organizationID: Int64?) throws -> [(key: String, json: String)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

        let scope = organizationID.map { "WHERE organization_id = \($0)" } ?? ""
        let organizations = try OrganizationRecord.fetchAll(
            db, sql: "SELECT * FROM organizations \(organizationID.map { "WHERE id = \($0)" } ?? "")")
        let assistants = try AssistantRecord.fetchAll(db, sql: "SELECT * FROM assistants \(scope)")
        let numbers = try PhoneNumberRecord.fetchAll(db, sql: "SELECT * FROM phone_numbers \(scope)")
        let assistantsByID = Dictionary(uniqueKeysWithValues: assistants.map { ($0.id!, $0) })

        var entries: [(String, String)] = []
        for organization in organizations {
            let entry = DirectoryOrganization(
                organizationID: Int(organization.id!), name: organization.name, sealedCredentials: organization.sealedCredentials)
            entries.append((RedisKey.directoryOrganization(Int(organization.id!)), try json(entry)))
        }
        for assistant in assistants {
            let settings = assistant.smsSettings.flatMap { try? JSONDecoder().decode(SMSSettings.self, from: Data($0.utf8)) }
            let entry = DirectoryAssistant(
                assistantID: Int(assistant.id!), organizationID: Int(assistant.organizationID), name: assistant.name,
                smsWebhookURL: assistant.smsWebhookURL, sealedWebhookSecret: assistant.sealedWebhookSecret,
                isActive: assistant.isActive, autoReply: settings?.autoReply ?? false)
            entries.append((RedisKey.directoryAssistant(Int(assistant.id!)), try json(entry)))
        }
        for number in numbers {
            let assistant = number.assistantID.flatMap { assistantsByID[$0] }
            let entry = DirectoryPhoneNumber(
                phoneNumber: number.phoneNumber, phoneNumberID: Int(number.id!), organizationID: Int(number.organizationID),
                provider: number.provider, assistantID: assistant.map { Int($0.id!) }, smsWebhookURL: assistant?.smsWebhookURL,
                assistantActive: assistant?.isActive)
            entries.append((RedisKey.directoryNumber(number.phoneNumber), try json(entry)))
        }
        return entries
    }
}
