// log-indexer benchmark: builds N SMS logs (default 1,000,000) through the real ingest code
// (BatchedWriter + schema + triggers), measures the real consumer path (XADD to sms:events,
// consumer group, decode, commit, XACK), then times the queries behind the routes.
//
//   log-indexer-bench --data-dir DIR [--logs N] [--consumer-events N] [--queries N]
//
// REDIS_URL (a throw-away Redis) is needed for the consumer-path part; scripts/bench-logs starts one.
import Foundation
import GRDB
import LogIndexer
import Logging
import RedisStore
import SQLiteStore
import ServiceLifecycle
import WireModels

// MARK: Arguments

var options: [String: String] = [:]
var argumentIterator = CommandLine.arguments.dropFirst().makeIterator()
while let name = argumentIterator.next() {
    guard name.hasPrefix("--"), let value = argumentIterator.next() else {
        print("usage: log-indexer-bench --data-dir DIR [--logs N] [--consumer-events N] [--queries N]")
        exit(2)
    }
    options[String(name.dropFirst(2))] = value
}
let dataDirectory = options["data-dir"] ?? NSTemporaryDirectory() + "log-indexer-bench-\(UUID().uuidString)"
let logCount = Int(options["logs"] ?? "") ?? 1_000_000
let consumerEventCount = Int(options["consumer-events"] ?? "") ?? 200_000
let queryCount = Int(options["queries"] ?? "") ?? 200
try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)

let logger: Logger = {
    var logger = Logger(label: "switchboard.log-indexer-bench")
    logger.logLevel = .warning
    return logger
}()

// MARK: Data

/// A seeded generator, so every run builds the same data.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let letters = Array("abcdefghijklmnopqrstuvwxyz")
var vocabularyRandom = SplitMix(state: 7)
var vocabularySet = Set<String>()
while vocabularySet.count < 5000 {
    vocabularySet.insert(String((0..<6).map { _ in letters.randomElement(using: &vocabularyRandom)! }))
}
let vocabulary = vocabularySet.sorted()
let commonWords = ["your", "appointment", "is", "confirmed", "reply", "stop", "to", "cancel", "the", "order"]
let providers = ["twilio", "telnyx", "vonage"]
let organizations = [1, 1, 1, 1, 1, 1, 1, 1, 2, 3]  // organization 1 holds 80%: the queries run on it.
let numbers = (0..<20_000).map { "+1555\(String(format: "%07d", $0))" }
let ownNumbers = (0..<50).map { "+1844\(String(format: "%07d", $0))" }
let now = Date().timeIntervalSince1970
let span = 85.0 * 86_400  // inside the default 90-day retention

/// The events of one log: outbound `queued` + a receipt or failure, or one inbound `received`.
func events(forLog index: Int, random: inout SplitMix) -> [IndexedEvent] {
    let organization = organizations[Int(random.next() % UInt64(organizations.count))]
    let provider = providers[Int(random.next() % 3)]
    let created = now - span + span * Double(index) / Double(logCount)
    let body =
        (0..<4).map { _ in commonWords[Int(random.next() % UInt64(commonWords.count))] }.joined(separator: " ") + " "
        + (0..<6).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }.joined(separator: " ")
    let customer = numbers[Int(random.next() % UInt64(numbers.count))]
    let own = ownNumbers[Int(random.next() % UInt64(ownNumbers.count))]
    let assistant = 1 + Int(random.next() % 40)
    let messageID = "m\(index)"
    func event(_ type: MessageEventType, at time: Double, direction: String, status: String?, providerStatus: String? = nil, raw: String? = nil) -> IndexedEvent {
        IndexedEvent(
            MessageEvent(
                eventID: "\(messageID)-\(type.rawValue)", type: type, occurredAt: Timestamp.string(time), messageID: messageID,
                organizationID: organization, assistantID: assistant, direction: direction, provider: provider,
                from: direction == "inbound" ? customer : own, to: direction == "inbound" ? own : customer, body: body,
                mediaURLs: [], segments: 1, encoding: "GSM-7", providerMessageID: "pm\(index)", status: status,
                providerStatus: providerStatus, rawPayload: raw))!
    }
    if random.next() % 10 < 3 {
        return [event(.received, at: created, direction: "inbound", status: "received", raw: #"{"id":"pm\#(index)"}"#)]
    }
    let roll = random.next() % 100
    let queued = event(.queued, at: created, direction: "outbound", status: "queued")
    switch roll {
    case 0..<80:
        return [queued, event(.delivered, at: created + 4, direction: "outbound", status: "delivered", providerStatus: "delivered", raw: #"{"status":"delivered"}"#)]
    case 80..<88:
        return [queued, event(.failed, at: created + 1, direction: "outbound", status: "failed")]
    case 88..<92:
        return [queued, event(.undelivered, at: created + 4, direction: "outbound", status: "undelivered", providerStatus: "rejected", raw: #"{"status":"rejected"}"#)]
    default:
        return [queued, event(.sent, at: created + 1, direction: "outbound", status: "sent")]
    }
}

func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}

func percentile(_ samples: [Double], _ p: Double) -> Double {
    let sorted = samples.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func makeWriter(_ database: SQLiteDatabase) -> BatchedWriter<IndexedEvent> {
    BatchedWriter<IndexedEvent>(database: database, maxBatchSize: 2000, maxDelay: .milliseconds(5), logger: logger) { db, events in
        try LogRepository.apply(events, in: db, retentionCutoff: 0, logger: logger)
    }
}

var results: [(String, String, String)] = []

// MARK: 1. Build N logs through BatchedWriter + schema

let databasePath = dataDirectory + "/log-indexer.sqlite"
let database = try SQLiteDatabase(location: .file(databasePath), migrations: LogIndexerMigrations.all, logger: logger)
try LogRepository(database: database).tuneWriter()
print("building \(logCount) logs in \(databasePath) ...")
let built = try await {
    let writer = makeWriter(database)
    var random = SplitMix(state: 42)
    // Generate first, so the timing is the ingest alone.
    var chunks: [[IndexedEvent]] = []
    var chunk: [IndexedEvent] = []
    var eventTotal = 0
    for index in 0..<logCount {
        chunk += events(forLog: index, random: &random)
        if chunk.count >= 500 {
            chunks.append(chunk)
            eventTotal += chunk.count
            chunk = []
        }
    }
    if !chunk.isEmpty {
        chunks.append(chunk)
        eventTotal += chunk.count
    }
    let readyChunks = chunks
    let started = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await writer.run() }
        // Four submitters, as the consumer's workers would.
        try await withThrowingTaskGroup(of: Void.self) { submitters in
            for worker in 0..<4 {
                submitters.addTask {
                    for index in stride(from: worker, to: readyChunks.count, by: 4) {
                        try await writer.submit(contentsOf: readyChunks[index])
                    }
                }
            }
            try await submitters.waitForAll()
        }
        group.cancelAll()
    }
    return (events: eventTotal, elapsed: ContinuousClock.now - started)
}()
let buildRate = Double(built.events) / (milliseconds(built.elapsed) / 1000)
print(String(format: "  %d events in %.1f s: %.0f events/s", built.events, milliseconds(built.elapsed) / 1000, buildRate))
results.append(("ingest, BatchedWriter + schema", String(format: "%.0f events/s", buildRate), ">= 10,000 events/s"))

try database.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
let size = fileSize(databasePath) + fileSize(databasePath + "-wal")
let logRows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sms_log") ?? 0 }
results.append(("size on disk", String(format: "%.0f MB for %d logs", Double(size) / 1_048_576, logRows), "report"))

// MARK: 2. The consumer path: sms:events -> consumer group -> writer -> XACK

if let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"], consumerEventCount > 0 {
    print("consumer path: \(consumerEventCount) events through Redis ...")
    let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: logger)
    _ = try await redis.command("DEL", RedisKey.events)
    var random = SplitMix(state: 99)
    var produced = 0
    var index = 0
    let encoder = JSONEncoder()
    while produced < consumerEventCount {
        var commands: [[String]] = []
        while commands.count < 1000 && produced < consumerEventCount {
            for indexed in events(forLog: logCount + index, random: &random) where produced < consumerEventCount {
                let payload = String(decoding: try encoder.encode(indexed.event), as: UTF8.self)
                commands.append(["XADD", RedisKey.events, "*", RedisKey.payloadField, payload])
                produced += 1
            }
            index += 1
        }
        _ = try await redis.pipeline(commands)
    }
    let consumerDatabase = try SQLiteDatabase(
        location: .file(dataDirectory + "/consumer.sqlite"), migrations: LogIndexerMigrations.all, logger: logger)
    try LogRepository(database: consumerDatabase).tuneWriter()
    let writer = makeWriter(consumerDatabase)
    var consumerConfiguration = try RedisConfiguration(url: redisURL)
    consumerConfiguration.poolSize = 3
    let consumerRedis = RedisClient(configuration: consumerConfiguration, logger: logger)
    let consumer = LogEventConsumer(
        redis: consumerRedis, writer: writer, logger: logger, consumerName: "bench", workerCount: 2, readCount: 500,
        readBlock: .milliseconds(100), claimIdle: .seconds(60))
    let started = ContinuousClock.now
    var elapsed = Duration.zero
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await writer.run() }
        group.addTask { try await consumer.run() }
        while consumer.processedCount < consumerEventCount {
            try await Task.sleep(for: .milliseconds(20))
        }
        elapsed = ContinuousClock.now - started
        group.cancelAll()
    }
    await consumerRedis.shutdown()
    _ = try await redis.command("DEL", RedisKey.events)
    await redis.shutdown()
    let rate = Double(consumerEventCount) / (milliseconds(elapsed) / 1000)
    print(String(format: "  %d events in %.1f s: %.0f events/s", consumerEventCount, milliseconds(elapsed) / 1000, rate))
    results.append(("ingest, consumer path (Redis -> SQLite -> XACK)", String(format: "%.0f events/s", rate), ">= 10,000 events/s"))
} else {
    print("REDIS_URL not set: skipping the consumer path")
}

// MARK: 3. Queries on the N-log database

let repository = LogRepository(database: database)
var queryRandom = SplitMix(state: 5)
let dayMs: Int64 = 86_400_000
let nowMs = Int64(now * 1000)

func time(_ label: String, target: String, _ body: () async throws -> Void) async throws -> (String, String, String) {
    var samples: [Double] = []
    for _ in 0..<queryCount {
        let started = ContinuousClock.now
        try await body()
        samples.append(milliseconds(ContinuousClock.now - started))
    }
    let line = String(format: "p50 %.1f ms, p95 %.1f ms", percentile(samples, 0.5), percentile(samples, 0.95))
    print("  \(label): \(line)")
    return (label, line, target)
}

print("queries (\(queryCount) each, organization 1) ...")
results.append(try await time("list with filters", target: "p95 < 50 ms") {
    var filter = LogFilter()
    switch queryRandom.next() % 8 {
    case 0: filter.status = "failed"
    case 1: filter.provider = providers[Int(queryRandom.next() % 3)]; filter.direction = "outbound"
    case 2: filter.fromNumber = numbers[Int(queryRandom.next() % UInt64(numbers.count))]
    case 3: filter.toNumber = numbers[Int(queryRandom.next() % UInt64(numbers.count))]
    case 4: filter.assistantID = 1 + Int(queryRandom.next() % 40)
    case 5:
        let start = nowMs - Int64(queryRandom.next() % 80) * dayMs
        filter.range = LogDateRange(from: start - 7 * dayMs, to: start)
    case 6:
        filter.status = "delivered"
        filter.range = LogDateRange(from: nowMs - 30 * dayMs, to: nil)
    default: filter.direction = "inbound"
    }
    let skip = Int(queryRandom.next() % 5) * 100
    _ = try await repository.list(organizationID: 1, filter: filter, skip: skip, limit: 100)
})
results.append(try await time("full-text search", target: "p95 < 50 ms") {
    var filter = LogFilter()
    let word = vocabulary[Int(queryRandom.next() % UInt64(vocabulary.count))]
    switch queryRandom.next() % 4 {
    case 0: filter.search = LogSearch.query(String(word.prefix(4)))  // a prefix: several words
    case 1: filter.search = LogSearch.query(word + " " + commonWords[Int(queryRandom.next() % 10)])
    case 2:
        filter.search = LogSearch.query(word)
        filter.direction = "outbound"
    default: filter.search = LogSearch.query(word)
    }
    _ = try await repository.list(organizationID: 1, filter: filter, skip: 0, limit: 50)
})
results.append(try await time("stats over a month", target: "p95 < 200 ms") {
    // A 30-day window with edges in the middle of hours.
    let end = nowMs - Int64(queryRandom.next() % (55 * UInt64(dayMs)))
    _ = try await repository.stats(organizationID: 1, range: LogDateRange(from: end - 30 * dayMs, to: end))
})

// MARK: Report

let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
print("")
print("log-indexer benchmark: \(logRows) logs, \(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu)), \(Date())")
print("| measure | result | target |")
print("|---|---|---|")
for (measure, result, target) in results {
    print("| \(measure) | \(result) | \(target) |")
}
