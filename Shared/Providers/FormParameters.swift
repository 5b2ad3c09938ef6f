import Foundation

/// Parameters in `application/x-www-form-urlencoded` form: a Twilio or Vonage webhook body, a
/// query string, or a Twilio send request. Order and repeated names are kept.
package struct FormParameters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Name and value pairs, decoded, in the order received.
    package private(set) var pairs: [(name: String, value: String)]
    /// The text these parameters came from (a form body, a query string, or for Vonage POST-JSON a
    /// JSON object), or the form encoding of `pairs` when they were built in code.
    package var rawText: String {
        source ?? Self.encode(pairs)
    }

    private var source: String?

    /// Parameters from name and value pairs.
    package init(_ pairs: [(name: String, value: String)]) {
        self.pairs = pairs
        self.source = nil
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (name: $0.0, value: $0.1) })
    }

    /// Parameters with the text they came from.
    init(_ pairs: [(name: String, value: String)], rawText: String) {
        self.pairs = pairs
        self.source = rawText
    }

    /// Decodes a form body or query string (with or without a leading `?`): `+` is a space and
    /// `%XX` a byte of the UTF-8 text. Throws when a `%` escape is malformed.
    package init(formEncoded text: String) throws(ProviderError) {
        var pairs: [(name: String, value: String)] = []
        let body = text.hasPrefix("?") ? String(text.dropFirst()) : text
        for field in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decodeComponent(parts[0])
            let value = parts.count > 1 ? try Self.decodeComponent(parts[1]) : ""
            pairs.append((name, value))
        }
        self.pairs = pairs
        self.source = text
    }

    /// Decodes a body received as bytes; see ``init(formEncoded:)``.
    package init(formEncoded body: Data) throws(ProviderError) {
        try self.init(formEncoded: String(decoding: body, as: UTF8.self))
    }

    /// The first value of `name`, if any.
    package subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    package func values(of name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Appends one pair.
    package mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
        source = nil
    }

    package static func == (lhs: FormParameters, rhs: FormParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    // MARK: Encoding

    /// Encodes pairs as `name=value&…`, escaping all but unreserved characters and writing a
    /// space as `+`, as Python's `urlencode` (and so the Twilio SDK) does.
    package static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { encodeComponent($0.name) + "=" + encodeComponent($0.value) }.joined(separator: "&")
    }

    private static func encodeComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static func decodeComponent(_ text: Substring) throws(ProviderError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else {
                    throw ProviderError.malformedWebhook(reason: "bad percent escape in form data")
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// The string left-padded with zeros to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
