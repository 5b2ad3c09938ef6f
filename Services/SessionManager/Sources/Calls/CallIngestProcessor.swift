import Foundation
import Hummingbird
import Logging
import RedisStore
import SQLiteStore
import ServiceRuntime
import WireModels

/// Stores the call records other systems push to `calls:ingest`.
///
/// An entry that is not a valid `CallIngestRecord` (bad JSON, a missing field, an unknown status or
/// schema version, an unparsable time, a negative duration or cost, an assistant of another
/// organization) is logged with the reason and acknowledged: it is skipped, never retried, and
/// never stops the consumer.
package struct CallIngestProcessor: Sendable {
    let redis: RedisClient
    let writer: BatchedWriter<SessionWrite>
    let directory: DirectoryReader
    let logger: Logger

    package init(redis: RedisClient, writer: BatchedWriter<SessionWrite>, directory: DirectoryReader, logger: Logger) {
        self.redis = redis
        self.writer = writer
        self.directory = directory
        self.logger = logger
    }

    package func process(_ entries: [RedisStreamEntry]) async throws {
        let decoder = JSONDecoder()
        var writes: [SessionWrite] = []
        var names: [Int: DirectoryAssistant?] = [:]
        for entry in entries {
            do {
                let record = try Self.validate(entry, decoder: decoder)
                if names[record.assistantID] == nil {
                    names[record.assistantID] = try await directory.assistant(record.assistantID)
                }
                let assistant = names[record.assistantID] ?? nil
                if let assistant, assistant.organizationID != record.organizationID {
                    throw CallIngestError.invalid("assistant_id belongs to another organization")
                }
                writes.append(.callRecord(record, assistantName: record.assistantName ?? assistant?.name))
            } catch let error as CallIngestError {
                logger.warning("skipping invalid calls:ingest entry", metadata: ["sb.entry_id": "\(entry.id)", "sb.reason": "\(error)"])
            }
        }
        try await writer.submit(contentsOf: writes)
        _ = try await redis.xack(RedisKey.callsIngest, group: RedisKey.sessionManagerGroup, ids: entries.map(\.id))
    }

    /// Decodes and checks one entry.
    static func validate(_ entry: RedisStreamEntry, decoder: JSONDecoder) throws -> CallIngestRecord {
        guard let payload = entry.fields[RedisKey.payloadField] else { throw CallIngestError.invalid("no payload field") }
        let record: CallIngestRecord
        do {
            record = try decoder.decode(CallIngestRecord.self, from: Data(payload.utf8))
        } catch let error as DecodingError {
            throw CallIngestError.invalid(Request.describe(error))
        } catch {
            throw CallIngestError.invalid("payload is not JSON")
        }
        guard record.schemaVersion == SchemaVersion.current else {
            throw CallIngestError.invalid("unsupported schema_version \(record.schemaVersion)")
        }
        guard record.organizationID > 0, record.assistantID > 0 else { throw CallIngestError.invalid("ids must be positive") }
        guard !record.callSID.isEmpty, record.callSID.count <= 256 else { throw CallIngestError.invalid("call_sid must be 1-256 characters") }
        guard !record.toPhoneNumber.isEmpty, !record.customerPhoneNumber.isEmpty else {
            throw CallIngestError.invalid("phone numbers must not be empty")
        }
        guard CallIngestRecord.statuses.contains(record.status) else {
            throw CallIngestError.invalid("status must be ongoing, completed or failed")
        }
        if let direction = record.direction, direction != "inbound", direction != "outbound" {
            throw CallIngestError.invalid("direction must be inbound or outbound")
        }
        guard Timestamp.parseMillis(record.startedAt) != nil else { throw CallIngestError.invalid("started_at is not ISO 8601") }
        if let endedAt = record.endedAt, Timestamp.parseMillis(endedAt) == nil {
            throw CallIngestError.invalid("ended_at is not ISO 8601")
        }
        if let duration = record.duration, duration < 0 { throw CallIngestError.invalid("duration must not be negative") }
        let costs = [record.totalCost, record.llmCost, record.ttsCost, record.sttCost, record.telephonyCost].compactMap { $0 }
        guard costs.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw CallIngestError.invalid("costs must be non-negative numbers") }
        return record
    }
}

/// Why a `calls:ingest` entry was skipped.
package enum CallIngestError: Error, CustomStringConvertible {
    /// The entry is not a valid call record; the text says why.
    case invalid(String)

    package var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
