import Crypto
import Foundation
import ServiceRuntime
import WireModels

/// What `sms:idem:{org}:{sha256(key)}` holds: the request's fingerprint and, once the request
/// finished, its answer, so a retry with the same key replays it.
struct IdempotencyRecord: Codable, Sendable {
    enum State: String, Codable, Sendable {
        /// An immediate send holds the key while its provider call runs.
        case inProgress = "in_progress"
        case done
    }

    var state: State
    var fingerprint: String
    var messageID: String
    var response: SendSMSResponse?

    enum CodingKeys: String, CodingKey {
        case state, fingerprint, response
        case messageID = "message_id"
    }

    /// SHA-256 over the fields that make two sends the same send.
    static func fingerprint(from: String, to: String, message: String, mediaURLs: [String], queue: Bool) -> String {
        var hasher = SHA256()
        for part in [from, to, message, mediaURLs.joined(separator: "\u{1F}"), queue ? "queue" : "now"] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().lowercaseHex
    }

    func json() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> IdempotencyRecord {
        try JSONDecoder().decode(IdempotencyRecord.self, from: Data(json.utf8))
    }
}
