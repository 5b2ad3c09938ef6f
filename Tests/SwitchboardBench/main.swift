// switchboard-bench: the probes behind scripts/bench that wrk cannot do.
//
//   switchboard-bench e2e      --gateway URL --key KEY --sandbox URL --from N1,N2 --count 30000 --concurrency 64
//   switchboard-bench pacing   --gateway URL --key KEY --sandbox URL --from N --rate 10 --seconds 30
//   switchboard-bench webhooks --ingest URL --public-url URL --account-sid AC… --auth-token T --to N --count 20000 --concurrency 64
//
// Each prints a human summary and one line `RESULT name key=value …` that scripts/bench turns
// into the table of docs/benchmarks.md. Everything talks to the services over loopback HTTP.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Providers

// MARK: Arguments

struct Arguments {
    let command: String
    private var values: [String: String] = [:]

    init(_ raw: [String]) throws {
        guard let command = raw.first else { throw BenchError("usage: switchboard-bench e2e|pacing|webhooks --name value …") }
        self.command = command
        var index = 1
        while index < raw.count {
            let name = raw[index]
            guard name.hasPrefix("--"), index + 1 < raw.count else { throw BenchError("expected --name value at \(name)") }
            values[String(name.dropFirst(2))] = raw[index + 1]
            index += 2
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw BenchError("missing --\(name)") }
        return value
    }

    func int(_ name: String, default fallback: Int) throws -> Int {
        guard let raw = values[name] else { return fallback }
        guard let value = Int(raw), value > 0 else { throw BenchError("--\(name) must be a positive integer") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: Helpers

/// Milliseconds since 1970, the clock the sandbox stamps `received_at` with.
func nowMilliseconds() -> Double { Date().timeIntervalSince1970 * 1000 }

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

let http = HTTPClient(
    eventLoopGroupProvider: .singleton,
    configuration: .init(
        connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 512),
        decompression: .disabled))

/// One request; returns the status and body.
func call(
    _ method: HTTPMethod, _ url: String, body: String? = nil, headers: [(String, String)] = []
) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await http.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 256 << 20)
    return (Int(response.status.code), String(buffer: bytes))
}

/// Runs `count` jobs with at most `concurrency` in flight.
func runConcurrently(count: Int, concurrency: Int, _ job: @escaping @Sendable (Int) async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        var next = 0
        while next < min(count, concurrency) {
            let index = next
            group.addTask { await job(index) }
            next += 1
        }
        while await group.next() != nil {
            if next < count {
                let index = next
                group.addTask { await job(index) }
                next += 1
            }
        }
    }
}

/// A value many tasks write at distinct indices, read once they are all done.
final class Slots<T: Sendable>: @unchecked Sendable {
    // @unchecked: each index is written by exactly one task, and read after the group ends.
    private var storage: [T]
    init(count: Int, initial: T) { storage = Array(repeating: initial, count: count) }
    subscript(index: Int) -> T {
        get { storage[index] }
        set { storage[index] = newValue }
    }
    var all: [T] { storage }
}

struct SandboxMessage: Decodable {
    /// Wall clock, milliseconds since 1970.
    var receivedAt: Double
    var from: String
    var body: String
    enum CodingKeys: String, CodingKey {
        case receivedAt = "received_at_unix_ms"
        case from, body
    }
}

struct SandboxMessages: Decodable { var messages: [SandboxMessage] }

struct SandboxStatsReply: Decodable { var requests: Int }

func sandboxMessages(_ sandbox: String, from: String? = nil, limit: Int) async throws -> [SandboxMessage] {
    var url = "\(sandbox)/sandbox/messages?limit=\(limit)"
    if let from { url += "&from=\(from.replacingOccurrences(of: "+", with: "%2B"))" }
    let (status, body) = try await call(.GET, url)
    guard status == 200 else { throw BenchError("GET /sandbox/messages answered \(status)") }
    return try JSONDecoder().decode(SandboxMessages.self, from: Data(body.utf8)).messages
}

func sandboxRequestCount(_ sandbox: String) async throws -> Int {
    let (status, body) = try await call(.GET, "\(sandbox)/sandbox/stats")
    guard status == 200 else { throw BenchError("GET /sandbox/stats answered \(status)") }
    return try JSONDecoder().decode(SandboxStatsReply.self, from: Data(body.utf8)).requests
}

func sendBody(from: String, to: String, message: String) -> String {
    "{\"from_phone_number\":\"\(from)\",\"to_phone_number\":\"\(to)\",\"message\":\"\(message)\"}"
}

// MARK: End to end

/// Queues `count` sends over the given numbers, then waits until the sandbox has them all:
/// end-to-end rate, and accept-to-provider latency per message (matched by body).
func endToEnd(_ arguments: Arguments) async throws {
    let gateway = try arguments.string("gateway")
    let key = try arguments.string("key")
    let sandbox = try arguments.string("sandbox")
    let numbers = try arguments.string("from").split(separator: ",").map(String.init)
    let count = try arguments.int("count", default: 30_000)
    let concurrency = try arguments.int("concurrency", default: 64)
    let run = String(Int(Date().timeIntervalSince1970) % 100_000)

    _ = try await call(.DELETE, "\(sandbox)/sandbox/messages")
    let accepted = Slots<Double>(count: count, initial: -1)
    let headers = [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")]
    let start = nowMilliseconds()
    await runConcurrently(count: count, concurrency: concurrency) { index in
        let body = sendBody(from: numbers[index % numbers.count], to: "+1555\(String(format: "%07d", index))", message: "e2e \(run) \(index)")
        if let reply = try? await call(.POST, "\(gateway)/sms/send", body: body, headers: headers), reply.status == 200 {
            accepted[index] = nowMilliseconds()
        }
    }
    let acceptEnd = nowMilliseconds()
    let acceptedCount = accepted.all.filter { $0 >= 0 }.count
    print("e2e: \(acceptedCount) of \(count) accepted in \(format((acceptEnd - start) / 1000)) s")

    // Wait for the sandbox to have received them all (or give up after 180 s without progress).
    var seen = 0
    var lastProgress = nowMilliseconds()
    while seen < acceptedCount {
        try await Task.sleep(for: .milliseconds(250))
        let now = try await sandboxRequestCount(sandbox)
        if now > seen { lastProgress = nowMilliseconds() }
        seen = now
        if nowMilliseconds() - lastProgress > 180_000 { break }
    }
    let messages = try await sandboxMessages(sandbox, limit: count * 2)
    var latencies: [Double] = []
    var firstReceived = Double.infinity
    var lastReceived = 0.0
    var matched = Set<Int>()
    let prefix = "e2e \(run) "
    for message in messages where message.body.hasPrefix(prefix) {
        guard let index = Int(message.body.dropFirst(prefix.count)), index < count, accepted[index] >= 0,
            matched.insert(index).inserted
        else { continue }
        latencies.append(max(0, message.receivedAt - accepted[index]))
        firstReceived = min(firstReceived, message.receivedAt)
        lastReceived = max(lastReceived, message.receivedAt)
    }
    latencies.sort()
    let seconds = (lastReceived - start) / 1000
    let rate = Double(matched.count) / seconds
    print(
        "e2e: \(matched.count) of \(acceptedCount) reached the sandbox; \(format(rate, 0)) messages/s from the first send to the last arrival; accept->provider p50 \(format(percentile(latencies, 0.5), 1)) ms, p99 \(format(percentile(latencies, 0.99), 1)) ms"
    )
    print(
        "RESULT e2e accepted=\(acceptedCount) delivered=\(matched.count) seconds=\(format(seconds)) rate=\(format(rate, 0)) p50_ms=\(format(percentile(latencies, 0.5), 1)) p99_ms=\(format(percentile(latencies, 0.99), 1))"
    )
}

// MARK: Pacing

/// Queues more than `seconds` worth of messages on one number paced at `rate`, then checks what
/// the sandbox saw over `seconds` from the first arrival: the most in any one-second window and
/// the average rate. `--clear no` keeps what the sandbox holds (for runs side by side).
func pacing(_ arguments: Arguments) async throws {
    let gateway = try arguments.string("gateway")
    let key = try arguments.string("key")
    let sandbox = try arguments.string("sandbox")
    let numbers = try arguments.string("from").split(separator: ",").map(String.init)
    let rate = try arguments.int("rate", default: 10)
    let seconds = try arguments.int("seconds", default: 30)
    // SENDER_PACING_BURST: the bucket's capacity (the sender's default is 1).
    let burst = try arguments.int("burst", default: 1)
    let label = (try? arguments.string("label")) ?? "number"
    let clear = ((try? arguments.string("clear")) ?? "yes") != "no"
    let count = rate * (seconds + 5) + burst
    let headers = [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")]

    if clear { _ = try await call(.DELETE, "\(sandbox)/sandbox/messages") }
    await runConcurrently(count: count, concurrency: 32) { index in
        let body = sendBody(from: numbers[index % numbers.count], to: "+1555\(String(format: "%07d", index))", message: "pace \(index)")
        _ = try? await call(.POST, "\(gateway)/sms/send", body: body, headers: headers)
    }
    var arrivals: [Double] = []
    let deadline = nowMilliseconds() + Double(seconds + 20) * 1000
    while nowMilliseconds() < deadline {
        try await Task.sleep(for: .seconds(1))
        var all: [SandboxMessage] = []
        for number in numbers { all += try await sandboxMessages(sandbox, from: number, limit: count * 2) }
        arrivals = all.filter { $0.body.hasPrefix("pace ") }.map(\.receivedAt).sorted()
        if let first = arrivals.first, arrivals.last! - first >= Double(seconds) * 1000 { break }
    }
    guard let first = arrivals.first else { throw BenchError("nothing arrived at the sandbox") }
    let window = arrivals.filter { $0 < first + Double(seconds) * 1000 }
    // The most arrivals in any one-second window [t, t + 1 s) starting at an arrival.
    var most = 0
    var tail = 0
    var busiest = 0
    for head in window.indices {
        while tail < window.count, window[tail] < window[head] + 1000 { tail += 1 }
        if tail - head > most { (most, busiest) = (tail - head, head) }
    }
    if most > rate + burst {
        // Show the window that broke the limit, relative to the first arrival.
        let offsets = window[busiest..<min(window.count, busiest + most)].map { format($0 - first, 1) }
        print("pacing (\(label)): busiest window starts at +\(format(window[busiest] - first, 1)) ms: \(offsets.joined(separator: " "))")
    }
    // The average over the steady part: the first `burst` arrivals drain the full bucket.
    let steady = window.dropFirst(burst)
    let average = steady.count > 1 ? Double(steady.count - 1) / ((steady.last! - steady.first!) / 1000) : .nan
    print(
        "pacing (\(label)): \(window.count) arrivals in the first \(seconds) s; most in any 1 s window \(most) (allowed \(rate + burst)); steady average \(format(average, 3))/s (target \(rate)/s, off by \(format(abs(average - Double(rate)) / Double(rate) * 100))%)"
    )
    print(
        "RESULT pacing label=\(label) rate=\(rate) burst=\(burst) arrivals=\(window.count) max_per_second=\(most) average=\(format(average, 3)) error_pct=\(format(abs(average - Double(rate)) / Double(rate) * 100))"
    )
}

// MARK: Webhooks

/// Posts `count` distinct, correctly signed Twilio inbound-SMS webhooks to webhook-ingest:
/// the rate and the reply latency.
func webhooks(_ arguments: Arguments) async throws {
    let ingest = try arguments.string("ingest")
    let publicURL = try arguments.string("public-url")
    let accountSID = try arguments.string("account-sid")
    let authToken = try arguments.string("auth-token")
    let to = try arguments.string("to")
    let count = try arguments.int("count", default: 20_000)
    let concurrency = try arguments.int("concurrency", default: 64)
    let path = "/webhooks/sms/twilio"
    let run = String(Int(Date().timeIntervalSince1970))

    // Signed up front, so the timing is the service's, not HMAC's.
    var requests: [(body: String, signature: String)] = []
    requests.reserveCapacity(count)
    for index in 0..<count {
        var form = FormParameters([])
        form.append("MessageSid", "SMbench\(run)x\(index)")
        form.append("AccountSid", accountSID)
        form.append("From", "+1555\(String(format: "%07d", index % 100_000))")
        form.append("To", to)
        form.append("Body", "inbound \(index)")
        form.append("NumMedia", "0")
        form.append("NumSegments", "1")
        let signature = TwilioSignature.compute(url: publicURL + path, params: form, authToken: authToken)
        requests.append((form.rawText, signature))
    }
    let latencies = Slots<Double>(count: count, initial: -1)
    let statuses = Slots<Int>(count: count, initial: 0)
    let start = nowMilliseconds()
    await runConcurrently(count: count, concurrency: concurrency) { [requests] index in
        let began = nowMilliseconds()
        let reply = try? await call(
            .POST, ingest + path, body: requests[index].body,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", requests[index].signature)])
        statuses[index] = reply?.status ?? -1
        latencies[index] = nowMilliseconds() - began
    }
    let seconds = (nowMilliseconds() - start) / 1000
    let ok = statuses.all.filter { $0 == 200 }.count
    let sorted = latencies.all.sorted()
    let rate = Double(count) / seconds
    print(
        "webhooks: \(ok) of \(count) answered 200 in \(format(seconds)) s = \(format(rate, 0))/s; p50 \(format(percentile(sorted, 0.5))) ms, p99 \(format(percentile(sorted, 0.99))) ms"
    )
    print(
        "RESULT webhooks count=\(count) ok=\(ok) rate=\(format(rate, 0)) p50_ms=\(format(percentile(sorted, 0.5))) p99_ms=\(format(percentile(sorted, 0.99)))"
    )
}

// MARK: Main

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    switch arguments.command {
    case "e2e": try await endToEnd(arguments)
    case "pacing": try await pacing(arguments)
    case "webhooks": try await webhooks(arguments)
    default: throw BenchError("unknown command \(arguments.command): use e2e, pacing or webhooks")
    }
    try await http.shutdown().get()
} catch {
    FileHandle.standardError.write(Data("switchboard-bench: \(error)\n".utf8))
    try? await http.shutdown().get()
    exit(1)
}
