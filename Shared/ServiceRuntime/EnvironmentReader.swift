import Foundation
import Logging

/// Reads typed configuration values from the environment, throwing a `ConfigurationError`
/// that names the variable when one is missing or malformed.
package struct EnvironmentReader: Sendable {
    /// The raw variables.
    package let values: [String: String]

    /// Reads the process environment, or the given values (for tests).
    package init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The value, or nil when unset or blank.
    package func optional(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The value, or `defaultValue` when unset.
    package func string(_ name: String, default defaultValue: String) -> String {
        optional(name) ?? defaultValue
    }

    /// The value; throws `missing` when unset.
    package func required(_ name: String) throws -> String {
        guard let value = optional(name) else { throw ConfigurationError.missing(variable: name) }
        return value
    }

    /// An integer within `range`, or `defaultValue` when unset.
    package func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let raw = optional(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError.invalid(variable: name, reason: "expected an integer from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return value
    }

    /// A non-negative number, or `defaultValue` when unset.
    package func double(_ name: String, default defaultValue: Double) throws -> Double {
        guard let raw = optional(name) else { return defaultValue }
        guard let value = Double(raw), value.isFinite, value >= 0 else {
            throw ConfigurationError.invalid(variable: name, reason: "expected a non-negative number, got '\(raw)'")
        }
        return value
    }

    /// A duration given in whole seconds, or `defaultValue` when unset.
    package func seconds(_ name: String, default defaultValue: Duration) throws -> Duration {
        guard optional(name) != nil else { return defaultValue }
        return .seconds(try int(name, default: 0, in: 0...Int(Int32.max)))
    }

    /// `true`/`false`/`1`/`0`/`yes`/`no`, or `defaultValue` when unset.
    package func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = optional(name) else { return defaultValue }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError.invalid(variable: name, reason: "expected true or false, got '\(raw)'")
        }
    }

    /// An http or https URL without a trailing slash, or `defaultValue` when unset.
    package func httpURL(_ name: String, default defaultValue: String) throws -> String {
        let raw = string(name, default: defaultValue)
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw ConfigurationError.invalid(variable: name, reason: "expected an http(s) URL, got '\(raw)'")
        }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }

    /// Base64 of exactly `byteCount` bytes; throws when unset or malformed.
    package func base64Key(_ name: String, byteCount: Int) throws -> [UInt8] {
        let raw = try required(name)
        guard let data = Data(base64Encoded: raw), data.count == byteCount else {
            // Never echo the value: it is a secret.
            throw ConfigurationError.invalid(variable: name, reason: "expected base64 of \(byteCount) bytes")
        }
        return [UInt8](data)
    }

    /// A swift-log level name, or `defaultValue` when unset.
    package func logLevel(_ name: String, default defaultValue: Logger.Level) throws -> Logger.Level {
        guard let raw = optional(name) else { return defaultValue }
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError.invalid(variable: name, reason: "expected one of \(names), got '\(raw)'")
        }
        return level
    }
}
