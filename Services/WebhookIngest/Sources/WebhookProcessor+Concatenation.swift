import Foundation
import Providers
import WireModels

// MARK: Concatenated inbound SMS (Vonage SMS API)

extension WebhookProcessor {
    /// How long the parts of a concatenated SMS wait for the rest. Handsets send the parts
    /// seconds apart; an hour covers a provider's retries without holding parts forever.
    static let concatenationWindow: Duration = .seconds(3_600)

    /// Holds one part of a longer SMS in Redis and publishes the whole message when this part
    /// completes it. Every part gets its 200 at once; a part already held is a duplicate.
    /// Returns nil, doing nothing, when the directory changed since `directoryVersion` ("-": unchecked).
    func holdPart(
        _ message: InboundMessage, part: ConcatenatedPart, entry: DirectoryPhoneNumber, route: Route,
        directoryVersion: String
    ) async throws -> String? {
        let key = RedisKey.concatenatedParts(
            provider: route.provider, to: Self.e164(message.to), from: Self.e164(message.from),
            reference: part.reference)
        let reply = try await redis.eval(
            IngestScripts.holdPart, keys: [key, RedisKey.directoryVersion],
            arguments: [
                String(part.index), String(decoding: try JSONEncoder().encode(message), as: UTF8.self),
                String(part.total),
                String(Self.concatenationWindow.components.seconds), directoryVersion,
            ])
        let items = reply.array ?? []
        switch items.first?.string {
        case "stale":
            return nil
        case "held":
            return "held_part"
        case "complete":
            let decoder = JSONDecoder()
            let parts = try items.dropFirst().map { item in
                try decoder.decode(InboundMessage.self, from: Data((item.string ?? "").utf8))
            }
            let whole: InboundMessage
            do {
                whole = try VonageSMSWebhook.reassemble(parts)
            } catch {
                // Parts that cannot make one message (a sender reusing a reference with another
                // count) are dropped rather than published wrong or held again.
                _ = try await redis.command("DEL", key)
                throw WebhookRejection.malformed("\(error)")
            }
            // A stale answer here retries the part from the start: the set is still complete.
            return try await publishWhole(
                whole, entry: entry, route: route, directoryVersion: directoryVersion, parts: parts.count,
                heldPartsKey: key)
        default:
            return "duplicate"
        }
    }
}
