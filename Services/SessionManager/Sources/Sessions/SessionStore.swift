import Foundation
import RedisStore
import WireModels

/// The 24-hour SMS sessions in Redis: `sms:session:{customer}:{assistant_id}` (JSON
/// `SMSSessionDocument`, TTL refreshed by every message) and, per organization, a sorted set of its
/// session keys scored by expiry, so one organization's sessions are counted and cleared without
/// scanning the keyspace.
package struct SessionStore: Sendable {
    let redis: RedisClient
    /// The session lifetime.
    package let ttl: Duration

    package init(redis: RedisClient, ttl: Duration) {
        self.redis = redis
        self.ttl = ttl
    }

    var ttlMilliseconds: Int64 { Int64(ttl.components.seconds) * 1000 }

    /// Deletes a session key only while it still names the given conversation, and drops it from
    /// the organization's index; returns 1 when it deleted the key.
    static let deleteIfConversation = RedisScript(
        """
        local value = redis.call('GET', KEYS[1])
        redis.call('ZREM', KEYS[2], KEYS[1])
        if not value then return 0 end
        local ok, document = pcall(cjson.decode, value)
        if ok and type(document) == 'table' and tostring(document['conversation_id']) == ARGV[1] then
            redis.call('DEL', KEYS[1])
            return 1
        end
        return 0
        """)

    /// The session documents of the given keys (nil where none, or unreadable).
    package func documents(_ keys: [String]) async throws -> [SMSSessionDocument?] {
        guard !keys.isEmpty else { return [] }
        let reply = try await redis.command(["MGET"] + keys)
        guard let values = reply.array, values.count == keys.count else {
            throw SessionManagerError.unexpectedRedisReply("MGET answered \(reply)")
        }
        let decoder = JSONDecoder()
        return values.map { value in value.string.flatMap { try? decoder.decode(SMSSessionDocument.self, from: Data($0.utf8)) } }
    }

    /// The commands that write (or refresh) the session of each conversation, for a pipeline.
    package func touchCommands(_ conversations: [ConversationSnapshot], now: Int64) throws -> [[String]] {
        let encoder = JSONEncoder.forwarding
        var commands: [[String]] = []
        var indexes: Set<String> = []
        for conversation in conversations {
            let key = RedisKey.session(customerPhone: conversation.customerPhone, assistantID: conversation.assistantID)
            let index = RedisKey.sessionIndex(organizationID: conversation.organizationID)
            let json = String(decoding: try encoder.encode(conversation.sessionDocument), as: UTF8.self)
            commands.append(["SET", key, json, "PX", String(ttlMilliseconds)])
            commands.append(["ZADD", index, String(now + ttlMilliseconds), key])
            indexes.insert(index)
        }
        for index in indexes {
            commands.append(["PEXPIRE", index, String(ttlMilliseconds)])
        }
        return commands
    }

    /// How many sessions of the organization are alive.
    package func activeCount(organizationID: Int, now: Int64) async throws -> Int {
        let index = RedisKey.sessionIndex(organizationID: organizationID)
        let replies = try await redis.pipeline([["ZREMRANGEBYSCORE", index, "-inf", String(now)], ["ZCARD", index]])
        return replies.last?.int ?? 0
    }

    /// The organization's live session documents (expired index entries are dropped on the way).
    package func sessions(organizationID: Int, now: Int64) async throws -> [(key: String, document: SMSSessionDocument)] {
        let index = RedisKey.sessionIndex(organizationID: organizationID)
        let replies = try await redis.pipeline([["ZREMRANGEBYSCORE", index, "-inf", String(now)], ["ZRANGE", index, "0", "-1"]])
        let keys = (replies.last?.array ?? []).compactMap(\.string)
        let documents = try await documents(keys)
        return zip(keys, documents).compactMap { key, document in
            guard let document, document.organizationID == organizationID else { return nil }
            return (key, document)
        }
    }

    /// The session at `key` when it belongs to the organization.
    package func session(key: String, organizationID: Int) async throws -> SMSSessionDocument? {
        guard let document = try await documents([key]).first ?? nil, document.organizationID == organizationID else { return nil }
        return document
    }

    /// Deletes the session at `key` if it still names `conversationID`; true when it did.
    @discardableResult
    package func delete(key: String, conversationID: Int, organizationID: Int) async throws -> Bool {
        let reply = try await redis.eval(
            Self.deleteIfConversation, keys: [key, RedisKey.sessionIndex(organizationID: organizationID)],
            arguments: [String(conversationID)])
        return reply.int == 1
    }

    /// Which of the given conversations' sessions still name them (a missing or replaced key means
    /// the session ended).
    package func liveConversations(_ conversations: [ConversationSnapshot]) async throws -> Set<Int> {
        let keys = conversations.map { RedisKey.session(customerPhone: $0.customerPhone, assistantID: $0.assistantID) }
        let documents = try await documents(keys)
        var live: Set<Int> = []
        for (conversation, document) in zip(conversations, documents) where document?.conversationID == conversation.id {
            live.insert(conversation.id)
        }
        return live
    }
}
