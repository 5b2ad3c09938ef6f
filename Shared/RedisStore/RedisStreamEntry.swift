/// One stream entry as returned by `XREADGROUP` or `XAUTOCLAIM`.
package struct RedisStreamEntry: Sendable, Hashable {
    /// The stream (key) the entry belongs to.
    package var stream: String
    /// The entry id, `<milliseconds>-<sequence>`.
    package var id: String
    /// The entry's field-value pairs. Empty for an entry deleted while still pending.
    package var fields: [String: String]

    /// Creates an entry.
    package init(stream: String, id: String, fields: [String: String]) {
        self.stream = stream
        self.id = id
        self.fields = fields
    }
}
