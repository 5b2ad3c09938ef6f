import Foundation
import HTTPTypes
import Hummingbird
import ServiceRuntime
import WireModels

/// The log routes the gateway forwards: SMS logs, their stats and conversation timelines.
/// Every query is scoped to the organization in `X-Switchboard-Organization-Id`.
struct LogsController<Context: RequestContext>: Sendable {
    let repository: LogRepository
    let assistantNames: AssistantNameCache

    func addRoutes(to router: Router<Context>) {
        router.get("/api/v1/sms-logs", use: list)
        router.get("/api/v1/sms-logs/stats", use: stats)
        router.get("/api/v1/sms-logs/:log_id", use: detail)
        router.get("/api/v1/sms/:call_id/logs", use: timeline)
    }

    /// GET /api/v1/sms-logs/
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let organizationID = try Self.organization(request)
        let pagination = try Pagination(request, defaultLimit: 50, maxLimit: 500)
        let filter = try Self.filter(request)
        let (logs, total) = try await repository.list(
            organizationID: organizationID, filter: filter, skip: pagination.skip, limit: pagination.limit)
        let names = await assistantNames.names(of: Set(logs.compactMap(\.assistantID)), organizationID: organizationID)
        let items = logs.map { $0.item(assistantName: $0.assistantID.flatMap { names[$0] }) }
        return try jsonResponse(
            SMSLogPage(
                items: items, total: total, skip: pagination.skip, limit: pagination.limit,
                hasMore: pagination.skip + items.count < total))
    }

    /// GET /api/v1/sms-logs/{log_id}
    @Sendable func detail(_ request: Request, context: Context) async throws -> Response {
        let organizationID = try Self.organization(request)
        guard let logID = context.parameters.get("log_id").flatMap(Int64.init) else {
            throw APIError.unprocessable("log_id must be an integer")
        }
        guard let (log, payloads) = try await repository.detail(organizationID: organizationID, logID: logID) else {
            throw APIError.notFound("SMS log not found")
        }
        let names = await assistantNames.names(of: Set([log.assistantID].compactMap { $0 }), organizationID: organizationID)
        var providerPayload: JSONValue?
        if log.providerStatus != nil || !payloads.isEmpty {
            let decoder = JSONDecoder()
            let entries: [JSONValue] = payloads.map { payload in
                let body = (try? decoder.decode(JSONValue.self, from: Data(payload.raw.utf8))) ?? .string(payload.raw)
                return .object([
                    "event_type": .string(payload.type),
                    "received_at": .string(Timestamp.string(Double(payload.at) / 1000)),
                    "payload": body,
                ])
            }
            providerPayload = .object([
                "raw_status": log.providerStatus.map(JSONValue.string) ?? .null,
                "payloads": .array(entries),
            ])
        }
        let item = log.item(assistantName: log.assistantID.flatMap { names[$0] })
        return try jsonResponse(SMSLogDetail(log: item, organizationID: log.organizationID, providerPayload: providerPayload))
    }

    /// GET /api/v1/sms-logs/stats
    @Sendable func stats(_ request: Request, context: Context) async throws -> Response {
        let organizationID = try Self.organization(request)
        let range = try Self.range(request)
        let counts = try await repository.stats(organizationID: organizationID, range: range)
        return try jsonResponse(Self.stats(counts))
    }

    /// GET /api/v1/sms/{call_id}/logs
    @Sendable func timeline(_ request: Request, context: Context) async throws -> Response {
        let organizationID = try Self.organization(request)
        guard let callID = context.parameters.get("call_id").flatMap(Int64.init) else {
            throw APIError.unprocessable("call_id must be an integer")
        }
        guard let owner = try await repository.conversationOwner(callID), let owner else {
            throw APIError.notFound("Call not found")
        }
        guard owner == organizationID else {
            throw APIError.forbidden("Not authorized to access this call")
        }
        let logs = try await repository.timeline(callID)
        return try jsonResponse(SMSAuditLogs(callID: Int(callID), logCount: logs.count, logs: logs))
    }

    // MARK: Parameters

    /// The caller's organization, from the gateway's header.
    static func organization(_ request: Request) throws -> Int {
        guard let raw = request.headers[HTTPField.Name(InternalHeaders.organizationID)!], let id = Int(raw) else {
            throw APIError.badRequest("Missing or invalid \(InternalHeaders.organizationID) header")
        }
        return id
    }

    static func filter(_ request: Request) throws -> LogFilter {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let value = query[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        func phone(_ name: String) -> String? {
            // A "+" sent unencoded in a query string arrives as a space.
            guard let raw = query[Substring(name)].map(String.init), !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            return raw.hasPrefix(" ") && trimmed.first?.isNumber == true ? "+" + trimmed : trimmed
        }
        var filter = LogFilter()
        filter.provider = text("provider")?.lowercased()
        filter.direction = text("direction")?.lowercased()
        filter.status = text("status")?.lowercased()
        filter.fromNumber = phone("from_number")
        filter.toNumber = phone("to_number")
        if let raw = text("assistant_id") {
            guard let id = Int(raw) else { throw APIError.unprocessable("assistant_id must be an integer") }
            filter.assistantID = id
        }
        filter.range = try range(request)
        if let search = text("search") {
            // Nothing searchable (only punctuation) matches nothing rather than everything.
            filter.search = LogSearch.query(search) ?? "\"\""
        }
        return filter
    }

    /// `date_from` and `date_to`: ISO 8601 timestamps (inclusive) or plain dates; a plain
    /// `date_to` includes that whole day (UTC).
    static func range(_ request: Request) throws -> LogDateRange {
        let query = request.uri.queryParameters
        var range = LogDateRange()
        if let raw = query["date_from"].map(String.init), !raw.isEmpty {
            range.from = try milliseconds(raw, name: "date_from").start
        }
        if let raw = query["date_to"].map(String.init), !raw.isEmpty {
            range.to = try milliseconds(raw, name: "date_to").endExclusive
        }
        return range
    }

    private static func milliseconds(_ raw: String, name: String) throws -> (start: Int64, endExclusive: Int64) {
        var text = raw.trimmingCharacters(in: .whitespaces)
        // A "+hh:mm" offset sent unencoded arrives as a space.
        if text.count > 19, let space = text.lastIndex(of: " "), text.distance(from: text.startIndex, to: space) >= 19 {
            text.replaceSubrange(space...space, with: "+")
        }
        let isPlainDate = text.count == 10 && text.allSatisfy { $0.isNumber || $0 == "-" }
        // A timestamp without a zone is read as UTC.
        if !isPlainDate && text.contains("T") && !text.hasSuffix("Z") && !text.dropFirst(19).contains(where: { $0 == "+" || $0 == "-" }) {
            text += "Z"
        }
        guard let date = Timestamp.parse(text) else {
            throw APIError.unprocessable("\(name) must be an ISO 8601 date or timestamp")
        }
        let start = Int64((date.timeIntervalSince1970 * 1000).rounded())
        return (start, isPlainDate ? start + 86_400_000 : start + 1)
    }

    /// The stats body; `success_rate` is the share of logs that did not fail (`failed` or
    /// `undelivered`), as a percentage with 2 decimals, 0 when there are none.
    static func stats(_ counts: [LogCountKey: Int]) -> SMSLogStats {
        var byDirection: [String: Int] = [:]
        var byStatus: [String: Int] = [:]
        var byProvider: [String: Int] = [:]
        var total = 0
        var failed = 0
        for (key, count) in counts {
            total += count
            byDirection[key.direction, default: 0] += count
            byStatus[key.status, default: 0] += count
            if !key.provider.isEmpty { byProvider[key.provider, default: 0] += count }
            if LogStatus.failures.contains(key.status) { failed += count }
        }
        let rate = total == 0 ? 0 : (Double(total - failed) / Double(total) * 10_000).rounded() / 100
        return SMSLogStats(
            total: total, byDirection: byDirection, byStatus: byStatus, byProvider: byProvider, failedCount: failed,
            successRate: rate)
    }
}
