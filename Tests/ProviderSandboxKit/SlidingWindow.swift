/// Event times of the last second, and the most ever seen in one second.
struct SlidingWindow: Sendable {
    private var times: [Double] = []
    private var head = 0
    /// The most events seen in any window of 1000 ms (`(t - 1000, t]`).
    private(set) var peak = 0

    /// Events in `(now - 1000, now]`.
    func count(at now: Double) -> Int {
        var index = head
        while index < times.count, times[index] <= now - 1000 { index += 1 }
        return times.count - index
    }

    /// Adds an event at `now` (times must not go backwards).
    mutating func add(_ now: Double) {
        while head < times.count, times[head] <= now - 1000 { head += 1 }
        times.append(now)
        peak = max(peak, times.count - head)
        // Drop the expired prefix now and then, so memory follows the rate, not the history.
        if head >= 1024, head * 2 >= times.count {
            times.removeFirst(head)
            head = 0
        }
    }
}
