import Foundation
import Hummingbird

/// A JSON request body read loosely, so each emulator can tell "missing" from "wrong type" and
/// answer with its provider's own error.
struct JSONRequestBody {
    /// The top-level object; nil when the body was not a JSON object.
    let object: [String: Any]?

    static func read(_ request: Request) async -> JSONRequestBody {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 1 << 20), buffer.readableBytes > 0,
            let value = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        else { return JSONRequestBody(object: nil) }
        return JSONRequestBody(object: value as? [String: Any])
    }

    /// A string field; nil when absent or not a string.
    func string(_ name: String) -> String? {
        object?[name] as? String
    }

    /// A string field from a nested object (`image.url`).
    func string(_ name: String, in parent: String) -> String? {
        (object?[parent] as? [String: Any])?[name] as? String
    }

    func isPresent(_ name: String) -> Bool {
        guard let value = object?[name] else { return false }
        return !(value is NSNull)
    }

    /// What an array-of-strings field holds.
    enum StringList {
        case absent
        case invalid
        case present([String])
    }

    /// A field that should be an array of strings.
    func strings(_ name: String) -> StringList {
        guard isPresent(name) else { return .absent }
        guard let array = object?[name] as? [Any] else { return .invalid }
        let strings = array.compactMap { $0 as? String }
        return strings.count == array.count ? .present(strings) : .invalid
    }
}
