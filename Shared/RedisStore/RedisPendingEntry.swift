/// One entry of the extended form of `XPENDING`.
package struct RedisPendingEntry: Sendable, Hashable {
    /// The entry id.
    package var id: String
    /// The consumer that holds it.
    package var consumer: String
    /// Time since it was last delivered to that consumer.
    package var idle: Duration
    /// How many times it has been delivered.
    package var deliveries: Int

    /// Creates a pending entry.
    package init(id: String, consumer: String, idle: Duration, deliveries: Int) {
        self.id = id
        self.consumer = consumer
        self.idle = idle
        self.deliveries = deliveries
    }
}
