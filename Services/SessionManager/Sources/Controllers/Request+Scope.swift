import Foundation
import HTTPTypes
import Hummingbird
import ServiceRuntime
import WireModels

extension Request {
    /// The caller's organization, from the gateway's `X-Switchboard-Organization-Id`; 400 without it.
    func organizationID() throws -> Int {
        guard let raw = headers[HTTPField.Name(InternalHeaders.organizationID)!], let id = Int(raw), id > 0 else {
            throw APIError.badRequest("Missing or invalid \(InternalHeaders.organizationID) header")
        }
        return id
    }

    /// A query parameter, trimmed; nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters[name[...]].map(String.init)?.trimmingCharacters(in: .whitespaces), !value.isEmpty
        else { return nil }
        return value
    }

    /// An integer query parameter within `range`; 422 naming it otherwise.
    func integerQuery(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let raw = query(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw APIError.unprocessable(
                range.lowerBound == Int.min ? "\(name) must be an integer" : "\(name) must be an integer of at least \(range.lowerBound)")
        }
        return value
    }

    /// An ISO 8601 query parameter as Unix milliseconds; 422 naming it otherwise.
    func dateQuery(_ name: String) throws -> Int64? {
        guard let raw = query(name) else { return nil }
        // A `+` in an unencoded offset arrives as a space.
        guard let millis = Timestamp.parseMillis(raw.replacingOccurrences(of: " ", with: "+")) else {
            throw APIError.unprocessable("\(name) must be an ISO 8601 date or date-time")
        }
        return millis
    }

    /// A phone number query parameter: an unencoded leading `+` arrives as a space.
    func phoneQuery(_ name: String) -> String? {
        guard let raw = uri.queryParameters[name[...]].map(String.init), !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            return nil
        }
        if raw.hasPrefix(" ") { return "+" + raw.trimmingCharacters(in: .whitespaces) }
        return raw.trimmingCharacters(in: .whitespaces)
    }
}

extension Parameters {
    /// A path parameter naming a record id; 404 when it is not a positive integer (no record has that id).
    func recordID(_ name: String, notFound detail: String) throws -> Int {
        guard let raw = get(name), let id = Int(raw), id > 0 else { throw APIError.notFound(detail) }
        return id
    }
}
