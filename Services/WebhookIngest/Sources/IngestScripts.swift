import RedisStore

/// The Lua scripts of webhook-ingest. A request whose number is cached costs one round trip:
/// the script that publishes it, which also checks that the cached directory entry is current.
///
/// The publishing scripts take the value of `sb:dir:version` the owner of the number was read
/// at ("-" to skip the check) and answer `stale`, doing nothing, when the directory changed
/// since: the caller then reads the owner again, verifies the request again and retries.
enum IngestScripts {
    /// Inbound message: drop a duplicate, else publish the message and its audit event. For a
    /// reassembled message, also delete the held parts.
    ///
    /// KEYS: 1 dedupe key, 2 `sms:events`, 3 `sb:dir:version`, 4 (optional) the `sms:concat:…`
    /// hash of its parts.
    /// ARGV: 1 dedupe TTL, 2 events MAXLEN, 3 event JSON, 4 audit JSON, 5 the directory version
    /// the owner was read at ("-": no check). Returns `stale`, `duplicate` or `published`.
    static let inbound = RedisScript(
        """
        if ARGV[5] ~= '-' and (redis.call('GET', KEYS[3]) or '') ~= ARGV[5] then return 'stale' end
        if KEYS[4] then redis.call('DEL', KEYS[4]) end
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 'duplicate' end
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'payload', ARGV[3])
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'payload', ARGV[4])
        return 'published'
        """)

    /// One part of a concatenated inbound SMS: hold it, unless that part is already held; once
    /// every part of the message is held, return them all in part order so the caller can
    /// publish the whole message (through ``inbound``, which deletes the hash). A repeated part
    /// of a complete but unpublished set (the request that completed it died before publishing)
    /// returns the parts again; ``inbound``'s dedupe key keeps the message from being published twice.
    ///
    /// KEYS: 1 the `sms:concat:…` hash, 2 `sb:dir:version`. ARGV: 1 part index, 2 part JSON,
    /// 3 part count, 4 hash TTL, 5 the directory version the owner was read at ("-": no check).
    /// Returns `{'stale'}`, `{'held'}`, `{'duplicate'}` or `{'complete', part 1 JSON, part 2 JSON, …}`.
    static let holdPart = RedisScript(
        """
        if ARGV[5] ~= '-' and (redis.call('GET', KEYS[2]) or '') ~= ARGV[5] then return {'stale'} end
        local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        if added == 1 and redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
        local total = tonumber(ARGV[3])
        if redis.call('HLEN', KEYS[1]) < total then
          if added == 1 then return {'held'} else return {'duplicate'} end
        end
        local fields = {}
        for i = 1, total do fields[i] = tostring(i) end
        local parts = redis.call('HMGET', KEYS[1], unpack(fields))
        local reply = {'complete'}
        for i = 1, total do
          -- parts that disagree on the count: wait for the one missing (or for the TTL)
          if not parts[i] then
            if added == 1 then return {'held'} else return {'duplicate'} end
          end
          reply[i + 1] = parts[i]
        end
        return reply
        """)

    /// Delivery receipt: drop a duplicate; find our message through the provider id; move its
    /// delivery status forward only (a late `sent` never overwrites `delivered`); a `failed`
    /// receipt fails the message with the error; publish the event and its audit event with our
    /// message id, organization and assistant filled in. A receipt for a provider id not yet
    /// mapped (it beat the sender's own `sent` record) is kept at KEYS[4] for the sender to apply.
    ///
    /// KEYS: 1 dedupe key, 2 `sms:events`, 3 `sms:pmid:{provider}:{id}`, 4 `sms:dlr:{provider}:{id}`,
    /// 5 `sb:dir:version`.
    /// ARGV: 1 dedupe TTL, 2 events MAXLEN, 3 delivery status, 4 its rank, 5 error code, 6 error
    /// message, 7 updated_at, 8 event JSON, 9 audit JSON, 10 status record TTL, 11 the directory
    /// version the owner was read at ("-": no check).
    /// Returns `{outcome, message id}`; outcome is `stale` (the directory changed; nothing done),
    /// `duplicate`, `applied`, `behind` (the message already has a later status) or `unmatched`.
    static let receipt = RedisScript(
        """
        if ARGV[11] ~= '-' and (redis.call('GET', KEYS[5]) or '') ~= ARGV[11] then return {'stale', ''} end
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return {'duplicate', ''} end
        local id = redis.call('GET', KEYS[3])
        local event = cjson.decode(ARGV[8])
        local audit = cjson.decode(ARGV[9])
        local outcome = 'unmatched'
        if id then
          local key = 'sms:msg:' .. id
          local h = redis.call('HMGET', key, 'organization_id', 'assistant_id', 'delivery_rank')
          event['message_id'] = id
          audit['message_id'] = id
          if h[1] then event['organization_id'] = tonumber(h[1]); audit['organization_id'] = tonumber(h[1]) end
          if h[2] then event['assistant_id'] = tonumber(h[2]); audit['assistant_id'] = tonumber(h[2]) end
          if (not h[3]) or tonumber(h[3]) < tonumber(ARGV[4]) then
            redis.call('HSET', key, 'delivery_status', ARGV[3], 'delivery_rank', ARGV[4], 'updated_at', ARGV[7])
            if ARGV[5] ~= '' then redis.call('HSET', key, 'error_code', ARGV[5], 'error', ARGV[6]) end
            if ARGV[3] == 'failed' then redis.call('HSET', key, 'status', 'failed') end
            outcome = 'applied'
          else
            outcome = 'behind'
          end
        else
          local stashed = redis.call('HGET', KEYS[4], 'rank')
          if (not stashed) or tonumber(stashed) < tonumber(ARGV[4]) then
            redis.call('HSET', KEYS[4], 'delivery_status', ARGV[3], 'rank', ARGV[4], 'error_code', ARGV[5],
              'error', ARGV[6], 'updated_at', ARGV[7])
            redis.call('EXPIRE', KEYS[4], ARGV[10])
          end
        end
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'payload', cjson.encode(event))
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'payload', cjson.encode(audit))
        return {outcome, id or ''}
        """)
}
