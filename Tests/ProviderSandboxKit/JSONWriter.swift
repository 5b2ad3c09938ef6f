/// Writes compact JSON text directly into a string.
///
/// The sandbox's replies and webhooks are small, fixed shapes; writing them by hand keeps the
/// send path free of encoder round trips and keeps the key order the same as the providers'
/// documented examples, which makes captured webhooks easy to read and to diff.
struct JSONWriter {
    private(set) var text: String
    /// True right after an opening bracket: the next item needs no comma.
    private var atContainerStart = true
    /// True right after a key: the next value needs no comma.
    private var afterKey = false

    init(capacity: Int = 512) {
        text = ""
        text.reserveCapacity(capacity)
    }

    // MARK: Containers

    mutating func beginObject() {
        separate()
        text.append("{")
        atContainerStart = true
    }

    mutating func endObject() {
        text.append("}")
        atContainerStart = false
    }

    mutating func beginArray() {
        separate()
        text.append("[")
        atContainerStart = true
    }

    mutating func endArray() {
        text.append("]")
        atContainerStart = false
    }

    /// Writes `"key":`; the next call writes its value.
    mutating func key(_ name: String) {
        separate()
        Self.appendQuoted(name, to: &text)
        text.append(":")
        afterKey = true
    }

    // MARK: Values

    mutating func string(_ value: String?) {
        separate()
        if let value { Self.appendQuoted(value, to: &text) } else { text.append("null") }
    }

    mutating func int(_ value: Int?) {
        separate()
        if let value { text.append(String(value)) } else { text.append("null") }
    }

    mutating func double(_ value: Double) {
        separate()
        text.append(value.isFinite ? String(value) : "null")
    }

    mutating func bool(_ value: Bool) {
        separate()
        text.append(value ? "true" : "false")
    }

    mutating func null() {
        separate()
        text.append("null")
    }

    /// Writes already-encoded JSON as one value.
    mutating func raw(_ json: String) {
        separate()
        text.append(json)
    }

    // MARK: Fields

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int?) {
        key(name)
        int(value)
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func field(_ name: String, _ value: Double) {
        key(name)
        double(value)
    }

    mutating func field(_ name: String, strings: [String]) {
        key(name)
        beginArray()
        for value in strings { string(value) }
        endArray()
    }

    // MARK: Helpers

    private mutating func separate() {
        if afterKey {
            afterKey = false
        } else if !atContainerStart {
            text.append(",")
        }
        atContainerStart = false
    }

    /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters.
    static func appendQuoted(_ value: String, to text: inout String) {
        text.append("\"")
        // Fast path: nothing to escape, which is almost every field.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text.append(value)
            text.append("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case "\u{08}": text.append("\\b")
            case "\u{0C}": text.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
    }
}
