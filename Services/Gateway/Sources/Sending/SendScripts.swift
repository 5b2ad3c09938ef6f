import RedisStore

/// The Lua scripts of the send path. Each is one atomic round trip.
enum SendScripts {
    /// Directory check, rate limit, idempotency check, enqueue, status record and
    /// `message.queued` event in one round trip.
    ///
    /// KEYS: 1 idempotency record (a placeholder when the request has no key), 2 status hash,
    /// 3 `sms:queue:{provider}`, 4 `sms:events`, 5 `sb:dir:version`, 6 the API key's rate window
    /// counter (a placeholder when not limited).
    /// ARGV: 1 "1" when the request has a key, 2 idempotency record JSON, 3 envelope JSON,
    /// 4 event JSON, 5 status TTL seconds, 6 events MAXLEN, 7 idempotency TTL seconds,
    /// 8 the directory version the sending number was read at ("-" to skip the check),
    /// 9 requests allowed per window (0: no limit), 10 window counter TTL seconds, then
    /// field/value pairs for the status hash.
    /// Returns `{"stale"}` when the directory changed since the number was read (nothing done),
    /// `{"ratelimited"}` when the key is over its limit (counted, nothing queued),
    /// `{"duplicate", record}` when the idempotency key was seen before, `{"queued"}` otherwise.
    static let enqueue = RedisScript(
        """
        if ARGV[8] ~= '-' and (redis.call('GET', KEYS[5]) or '') ~= ARGV[8] then return {'stale'} end
        local limit = tonumber(ARGV[9])
        if limit > 0 then
          local count = redis.call('INCR', KEYS[6])
          if count == 1 then redis.call('EXPIRE', KEYS[6], ARGV[10]) end
          if count > limit then return {'ratelimited'} end
        end
        if ARGV[1] == '1' then
          local existing = redis.call('GET', KEYS[1])
          if existing then return {'duplicate', existing} end
        end
        redis.call('XADD', KEYS[3], '*', 'payload', ARGV[3])
        local fields = {}
        for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
        redis.call('HSET', KEYS[2], unpack(fields))
        redis.call('EXPIRE', KEYS[2], ARGV[5])
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'payload', ARGV[4])
        if ARGV[1] == '1' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[7]) end
        return {'queued'}
        """)
}
