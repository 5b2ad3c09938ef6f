import RedisStore

/// The Lua scripts of the send path. Each is one atomic round trip.
enum SendScripts {
    /// Idempotency check, enqueue, status record and `message.queued` event in one round trip.
    ///
    /// KEYS: 1 idempotency record (a placeholder when the request has no key), 2 status hash,
    /// 3 `sms:queue:{provider}`, 4 `sms:events`.
    /// ARGV: 1 "1" when the request has a key, 2 idempotency record JSON, 3 envelope JSON,
    /// 4 event JSON, 5 status TTL seconds, 6 events MAXLEN, 7 idempotency TTL seconds, then
    /// field/value pairs for the status hash.
    /// Returns `{"duplicate", record}` when the key was seen before, `{"queued"}` otherwise.
    static let enqueue = RedisScript(
        """
        if ARGV[1] == '1' then
          local existing = redis.call('GET', KEYS[1])
          if existing then return {'duplicate', existing} end
        end
        redis.call('XADD', KEYS[3], '*', 'payload', ARGV[3])
        local fields = {}
        for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
        redis.call('HSET', KEYS[2], unpack(fields))
        redis.call('EXPIRE', KEYS[2], ARGV[5])
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'payload', ARGV[4])
        if ARGV[1] == '1' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[7]) end
        return {'queued'}
        """)
}
