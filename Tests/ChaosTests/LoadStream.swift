import Foundation
import Synchronization

/// A steady stream of queued sends through the gateway: `count` requests, one every
/// `1 / rate` seconds, each in its own task (so a slow answer never slows the stream).
struct LoadStream: Sendable {
    /// One planned send.
    struct Send: Sendable {
        var index: Int
        var from: String
        var to: String = "+15557654321"
        /// The `Idempotency-Key` header, nil for an unkeyed send.
        var key: String?
    }

    /// What the client saw for one send.
    struct Result: Sendable {
        var send: Send
        var body: String
        /// The final HTTP status; nil when the last attempt got no answer at all.
        var status: Int?
        /// Every attempt's status (nil: transport error), in order.
        var attempts: [Int?]
        /// `message_id` of a 200.
        var messageID: String?
        var accepted: Bool { status == 200 }
    }

    /// `count` sends at `rate` per second over the stack's first number of each provider in turn;
    /// even ones keyed, and a keyed client sends again after an error or no answer.
    static func mixedKeyed(stack: ChaosStack, count: Int, rate: Double) -> (LoadStream, @Sendable (Int) -> Send) {
        var load = LoadStream(stack: stack, count: count, rate: rate)
        load.retryKeyed = true
        let (tag, numbers) = (stack.tag, stack.numbers)
        return (
            load,
            { index in
                Send(
                    index: index, from: numbers[ChaosTests.providers[index % 3]]![0],
                    key: index.isMultiple(of: 2) ? "chaos-\(tag)-\(index)" : nil)
            }
        )
    }

    let stack: ChaosStack
    let count: Int
    let rate: Double
    /// Whether a keyed send that got an error or no answer is sent again (same key, same body)
    /// until it gets a 200, as a client that uses keys would; bounded by `retryWindow`.
    var retryKeyed = false
    var retryWindow: Duration = .seconds(20)

    /// The body of send `index`: unique per stack, so the sandbox's list tells the messages apart.
    func body(_ index: Int) -> String { "chaos \(stack.tag) #\(index)" }

    /// Runs the stream; `plan` says who sends each message.
    func run(_ plan: @Sendable @escaping (Int) -> Send) async -> [Result] {
        let start = ContinuousClock.now
        let interval = Duration.seconds(1.0 / rate)
        let results = Collected()
        await withDiscardingTaskGroup { group in
            for index in 0..<count {
                group.addTask {
                    try? await Task.sleep(until: start + interval * index, clock: .continuous)
                    let result = await self.send(plan(index))
                    results.append(result)
                }
            }
        }
        return results.all.sorted { $0.send.index < $1.send.index }
    }

    private func send(_ send: Send) async -> Result {
        let body = self.body(send.index)
        let json = #"{"from_phone_number":"\#(send.from)","to_phone_number":"\#(send.to)","message":"\#(body)"}"#
        let headers = send.key.map { [("Idempotency-Key", $0)] } ?? []
        let deadline = ContinuousClock.now + retryWindow
        var attempts: [Int?] = []
        while true {
            let reply = await stack.call(.POST, "/sms/send", json, headers: headers)
            attempts.append(reply.status)
            let retry = retryKeyed && send.key != nil && reply.status != 200 && ContinuousClock.now < deadline
            if !retry {
                let messageID =
                    reply.status == 200
                    ? (try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])?["message_id"] as? String
                    : nil
                return Result(send: send, body: body, status: reply.status, attempts: attempts, messageID: messageID)
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// Results gathered from many tasks.
private final class Collected: Sendable {
    private let results = Mutex<[LoadStream.Result]>([])
    func append(_ result: LoadStream.Result) { results.withLock { $0.append(result) } }
    var all: [LoadStream.Result] { results.withLock { $0 } }
}

/// How many times each body reached the sandbox (every recorded send request counts).
func arrivalCounts(_ arrivals: [Arrival]) -> [String: Int] {
    arrivals.reduce(into: [:]) { $0[$1.body, default: 0] += 1 }
}
