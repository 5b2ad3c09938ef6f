// session-bench: measures session-manager's event consumption rate and the list queries' p95
// over a large table. Run through scripts/bench-sessions (release build, private Redis).
import Foundation
import GRDB
import Hummingbird
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import ServiceRuntime
import SessionManager
import WireModels

let environment = ProcessInfo.processInfo.environment
let eventCount = Int(environment["BENCH_EVENTS"] ?? "") ?? 100_000
let recordCount = Int(environment["BENCH_RECORDS"] ?? "") ?? 1_000_000
let iterations = Int(environment["BENCH_ITERATIONS"] ?? "") ?? 40
let redisURL = environment["REDIS_URL"] ?? "redis://127.0.0.1:6379/15"
let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("session-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
var logger = Logger(label: "session-bench")
logger.logLevel = .warning

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

// MARK: 1. Event consumption

let secretsKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
let configuration = try SessionManagerConfiguration(
    environment: EnvironmentReader([
        "REDIS_URL": redisURL, "DATA_DIR": work.path, "INTERNAL_TOKEN": "bench", "HTTP_PORT": "0", "LOG_LEVEL": "warning",
        "SECRETS_KEY": Data(secretsKey).base64EncodedString(), "CONSUMER_NAME": "bench",
    ]))
let redis = RedisClient(configuration: configuration.service.redis, logger: logger)
_ = try await redis.command("FLUSHDB")
let secrets = SecretBox(key: secretsKey)
let assistants = 100
for id in 1...assistants {
    let assistant = DirectoryAssistant(
        assistantID: id, organizationID: 1 + id % 10, name: "Assistant \(id)", smsWebhookURL: nil,
        sealedWebhookSecret: try secrets.seal("secret"), isActive: true, autoReply: false)
    _ = try await redis.command("SET", RedisKey.directoryAssistant(id), String(decoding: try JSONEncoder().encode(assistant), as: UTF8.self))
}
print("writing \(eventCount) events to \(RedisKey.events)")
let encoder = JSONEncoder()
var commands: [[String]] = []
for index in 0..<eventCount {
    let assistantID = 1 + index % assistants
    let customer = "+1555\(String(format: "%07d", index % 20_000))"
    let inbound = index % 3 != 0
    let event = MessageEvent(
        eventID: UUID().uuidString, type: inbound ? .received : .queued, occurredAt: Timestamp.string(Date().timeIntervalSince1970),
        messageID: UUID().uuidString, organizationID: 1 + assistantID % 10, assistantID: assistantID,
        direction: inbound ? "inbound" : "outbound", provider: "twilio", from: inbound ? customer : "+1999000\(assistantID)",
        to: inbound ? "+1999000\(assistantID)" : customer, body: "Benchmark message \(index)", mediaURLs: [])
    commands.append(["XADD", RedisKey.events, "*", "payload", String(decoding: try encoder.encode(event), as: UTF8.self)])
    if commands.count == 1000 {
        _ = try await redis.pipeline(commands)
        commands.removeAll(keepingCapacity: true)
    }
}
_ = try await redis.pipeline(commands)

let app = try buildApplication(configuration: configuration)
let database = try DatabasePool(path: work.appendingPathComponent("session-manager.sqlite").path)
let started = ContinuousClock.now
let consumed: Duration = try await withThrowingTaskGroup(of: Duration?.self) { group in
    group.addTask {
        try await app.runService()
        return nil
    }
    group.addTask {
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let stored = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM processed_messages") ?? 0 }
            if stored >= eventCount { return ContinuousClock.now - started }
        }
    }
    let elapsed = try await group.next()!!
    group.cancelAll()
    return elapsed
}
let seconds = Double(consumed.components.seconds) + Double(consumed.components.attoseconds) / 1e18
print(String(format: "events: %d stored in %.2f s = %.0f events/s", eventCount, seconds, Double(eventCount) / seconds))

// MARK: 2. Lists over many records

print("inserting \(recordCount) call records")
let listDatabase = try SQLiteDatabase(location: .file(work.appendingPathComponent("lists.sqlite").path), migrations: SessionManagerMigrations.all, logger: logger)
let base: Int64 = 1_700_000_000_000
try await listDatabase.write { db in
    let statement = try db.makeStatement(
        sql: """
            INSERT INTO call_records (organization_id, channel, call_sid, session_id, assistant_id, assistant_name, to_phone_number,
                customer_phone_number, direction, status, duration, message_count, started_at, last_activity, ended_at, sms_deleted,
                total_cost, cost_currency)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'inbound', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    for index in 0..<recordCount {
        // 80 % of the records in organization 1, the rest spread over 20 others.
        let organization = index % 5 == 4 ? 2 + index % 20 : 1
        let sms = index % 10 < 7
        let assistant = organization * 100 + index % 20
        let customer = "+1555\(String(format: "%07d", (index * 7919) % 200_000))"
        let started = base + Int64(index) * 30_000
        let status = sms ? (index % 50 == 0 ? "ongoing" : "completed") : (index % 9 == 0 ? "failed" : "completed")
        try statement.execute(arguments: [
            organization, sms ? "sms" : "voice", sms ? "sms_\(index + 1)" : "CA\(String(index, radix: 16))", sms ? "sms:\(customer):+1999" : nil,
            assistant, "Assistant \(assistant)", "+1999000\(assistant)", customer, status, index % 600, sms ? index % 12 : 0, started,
            started + 60_000, started + 60_000, sms && index % 100 == 1 ? 1 : 0, sms ? nil : 0.05, sms ? nil : "USD",
        ])
    }
}
try await listDatabase.write { db in try db.execute(sql: "ANALYZE") }
let repository = ConversationRepository(database: listDatabase)

typealias Shape = (name: String, run: @Sendable () async throws -> Void)
var shapes: [Shape] = []
func conversationShape(_ name: String, _ filter: ConversationFilter, skip: Int = 0) -> Shape {
    ("conversations \(name)", { _ = try await repository.conversations(organizationID: 1, filter: filter, skip: skip, limit: 50) })
}
func callShape(_ name: String, _ change: (inout CallFilter) -> Void, skip: Int = 0) -> Shape {
    var filter = CallFilter()
    change(&filter)
    let fixed = filter
    return ("calls \(name)", { _ = try await repository.calls(organizationID: 1, filter: fixed, skip: skip, limit: 100) })
}
shapes.append(conversationShape("no filter", ConversationFilter()))
shapes.append(conversationShape("skip=5000", ConversationFilter(), skip: 5000))
shapes.append(conversationShape("status=active", ConversationFilter(status: "ongoing")))
shapes.append(conversationShape("status=completed", ConversationFilter(status: "completed")))
shapes.append(conversationShape("assistant_id", ConversationFilter(assistantID: 105)))
shapes.append(conversationShape("customer_phone", ConversationFilter(customerPhone: "+15550012345")))
shapes.append(conversationShape("date range", ConversationFilter(dateFrom: base + 3_000_000_000, dateTo: base + 6_000_000_000)))
shapes.append(callShape("no filter", { _ in }))
shapes.append(callShape("status=failed", { $0.status = "failed" }))
shapes.append(callShape("assistant_id", { $0.assistantID = 107 }))
shapes.append(callShape("assistant_id+status", { $0.assistantID = 107; $0.status = "completed" }))
shapes.append(callShape("date range", { $0.dateFrom = base + 3_000_000_000; $0.dateTo = base + 6_000_000_000 }))
shapes.append(callShape("min/max duration", { $0.minDuration = 100; $0.maxDuration = 200 }))
shapes.append(callShape("customer_phone partial (7 digits)", { $0.customerPhone = "5550012" }))
shapes.append(callShape("customer_phone partial (6 digits)", { $0.customerPhone = "555001" }))
shapes.append(callShape("call_sid partial", { $0.callSID = "abc" }))
shapes.append(callShape("assistant_name partial", { $0.assistantName = "assistant 11" }))

var all: [Double] = []
print("list p50 / p95 (ms), \(iterations) runs each, organization with \(recordCount * 4 / 5) of the \(recordCount) records:")
for (name, run) in shapes {
    var timings: [Double] = []
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try await run()
        let elapsed = ContinuousClock.now - start
        timings.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    all += timings
    let label = name.padding(toLength: 40, withPad: " ", startingAt: 0)
    print("  \(label) " + String(format: "%7.2f %7.2f", percentile(timings, 0.5), percentile(timings, 0.95)))
}
print(String(format: "all list queries: p95 %.2f ms", percentile(all, 0.95)))
