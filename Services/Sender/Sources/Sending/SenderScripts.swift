import RedisStore

/// The sender's Lua scripts. Each changes a message's status hash together with everything that
/// must change with it (events, the queue entry's acknowledgement, the retry set, dead letters), so
/// a crash between two steps can never lose or duplicate a message. Cancel and claim run on the
/// same hash, so a cancel racing a sender is decided by whichever script runs first.
enum SenderScripts {
    /// Creates a status hash unless one exists, and adds its first event.
    ///
    /// KEYS: 1 status hash, 2 `sms:events`, 3 `sb:dir:version`. ARGV: 1 TTL seconds, 2 events
    /// MAXLEN, 3 event JSON, 4 the directory version the message's organization was read at ("-":
    /// no check), then the hash's field/value pairs. Returns 1 when created, 0 when the hash already
    /// existed, -1 (nothing changed) when the directory changed since the version of ARGV[4].
    static let create = RedisScript(
        """
        if ARGV[4] ~= '-' and (redis.call('GET', KEYS[3]) or '') ~= ARGV[4] then return -1 end
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local fields = {}
        for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
        redis.call('HSET', KEYS[1], unpack(fields))
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'payload', ARGV[3])
        return 1
        """)


    /// Takes a queued message for a provider call.
    ///
    /// KEYS: 1 status hash, 2 `sms:events`, 3 queue stream, 4 resend counter, 5 `sb:dir:version`.
    /// ARGV: 1 group, 2 entry id, 3 now (ISO 8601), 4 events MAXLEN, 5 `message.sending` event JSON
    /// whose `"attempt":-1` is replaced by the attempt number, 6 "1" when the validity has passed,
    /// 7 the directory version the message's number and credentials were read at ("-": no check).
    ///
    /// Returns `{outcome, attempts}`:
    /// - `stale`: the directory changed since ARGV[7]; nothing changed.
    /// - `missing`: no status hash (an envelope added by hand); nothing changed.
    /// - `claimed`: was `queued`, now `sending`, attempts + 1, event added.
    /// - `resend`: was already `sending` (its sender died mid-call) and never re-sent: counted in
    ///   `resends` and the resend counter, attempts + 1, event added.
    /// - `abandon`: was `sending` and already re-sent once; the caller fails it.
    /// - `expired`: `queued` but past its validity; the caller fails it.
    /// - `cancelled`, `sent`, `failed`: nothing to do; the entry is acknowledged.
    static let claim = RedisScript(
        """
        if ARGV[7] ~= '-' and (redis.call('GET', KEYS[5]) or '') ~= ARGV[7] then return {'stale', 0} end
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return {'missing', 0} end
        local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
        local function sending_event(attempt)
          local json = string.gsub(ARGV[5], '"attempt":%-1', '"attempt":' .. attempt, 1)
          redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'payload', json)
        end
        if status == 'queued' then
          if ARGV[6] == '1' then return {'expired', attempts} end
          attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
          redis.call('HSET', KEYS[1], 'status', 'sending', 'updated_at', ARGV[3])
          sending_event(attempts)
          return {'claimed', attempts}
        end
        if status == 'sending' then
          local resends = tonumber(redis.call('HGET', KEYS[1], 'resends') or '0')
          if resends >= 1 then return {'abandon', attempts} end
          redis.call('HINCRBY', KEYS[1], 'resends', 1)
          redis.call('INCR', KEYS[4])
          attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
          redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
          sending_event(attempts)
          return {'resend', attempts}
        end
        if ARGV[2] ~= '' then redis.call('XACK', KEYS[3], ARGV[1], ARGV[2]) end
        return {status, attempts}
        """)

    /// Applies the outcome of an attempt.
    ///
    /// KEYS: 1 status hash, 2 `sms:events`, 3 queue stream, 4 dead-letter stream, 5 retry set,
    /// 6 provider-id mapping (`sms:pmid:…`; only written for `sent`), 7 early receipt
    /// (`sms:dlr:…`, a receipt webhook-ingest kept because it arrived before this record).
    /// ARGV: 1 group, 2 entry id ('' for an immediate send), 3 outcome `sent` | `retry` | `failed`,
    /// 4 now (ISO 8601), 5 events MAXLEN, 6 TTL seconds, 7 event JSON, 8 dead letter JSON ('' for
    /// none), 9 message id, 10 provider message id, 11 error, 12 error code, 13 retry delay in ms,
    /// 14 retry-set member (the envelope JSON).
    ///
    /// Only a message in `sending` or `queued` changes; any other (a duplicate delivery that lost
    /// the race) is just acknowledged. Returns `{'ok'}` or `{'stale', status}`.
    static let finish = RedisScript(
        """
        local status = redis.call('HGET', KEYS[1], 'status')
        local function ack() if ARGV[2] ~= '' then redis.call('XACK', KEYS[3], ARGV[1], ARGV[2]) end end
        if status ~= 'sending' and status ~= 'queued' then
          ack()
          return {'stale', status or ''}
        end
        local outcome = ARGV[3]
        if outcome == 'sent' then
          redis.call('HSET', KEYS[1], 'status', 'sent', 'provider_message_id', ARGV[10], 'updated_at', ARGV[4])
          redis.call('HDEL', KEYS[1], 'error', 'error_code', 'retry_member')
          redis.call('SET', KEYS[6], ARGV[9], 'EX', ARGV[6])
          -- A delivery receipt that beat this record (webhook-ingest kept it): apply it now.
          local early = redis.call('HGETALL', KEYS[7])
          if #early > 0 then
            local r = {}
            for i = 1, #early, 2 do r[early[i]] = early[i + 1] end
            redis.call('HSET', KEYS[1], 'delivery_status', r['delivery_status'], 'delivery_rank', r['rank'])
            if r['error_code'] and r['error_code'] ~= '' then
              redis.call('HSET', KEYS[1], 'error_code', r['error_code'], 'error', r['error'])
            end
            if r['delivery_status'] == 'failed' then redis.call('HSET', KEYS[1], 'status', 'failed') end
            redis.call('DEL', KEYS[7])
          end
        else
          redis.call('HSET', KEYS[1], 'status', outcome == 'retry' and 'queued' or 'failed', 'error', ARGV[11], 'updated_at', ARGV[4])
          if ARGV[12] ~= '' then
            redis.call('HSET', KEYS[1], 'error_code', ARGV[12])
          else
            redis.call('HDEL', KEYS[1], 'error_code')
          end
          if outcome == 'retry' then
            local now = redis.call('TIME')
            local due = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[13])
            redis.call('ZADD', KEYS[5], due, ARGV[14])
            redis.call('HSET', KEYS[1], 'retry_member', ARGV[14])
          else
            redis.call('HDEL', KEYS[1], 'retry_member')
            if ARGV[8] ~= '' then redis.call('XADD', KEYS[4], '*', 'payload', ARGV[8]) end
          end
        end
        redis.call('EXPIRE', KEYS[1], ARGV[6])
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'payload', ARGV[7])
        ack()
        return {'ok'}
        """)

    /// Sets a message aside until its pacing wait is over: into the retry set, its status
    /// unchanged, and the queue entry acknowledged, so a long wait holds no consumer slot.
    ///
    /// A message found `sending` (taken over from a sender that died mid-call) is set aside too:
    /// when it comes back, the claim script re-sends it at most once, as it would have now.
    /// Acknowledging it without deferring would leave it `sending` for ever.
    ///
    /// KEYS: 1 status hash, 2 queue stream, 3 retry set. ARGV: 1 group, 2 entry id, 3 delay in ms,
    /// 4 retry-set member (the envelope JSON). Returns 1 when deferred, 0 when the message was
    /// already finished or cancelled (the entry is acknowledged either way).
    static let setAside = RedisScript(
        """
        local status = redis.call('HGET', KEYS[1], 'status')
        local deferred = 0
        if status == 'queued' or status == 'sending' or not status then
          local now = redis.call('TIME')
          local due = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[3])
          redis.call('ZADD', KEYS[3], due, ARGV[4])
          if status then redis.call('HSET', KEYS[1], 'retry_member', ARGV[4]) end
          deferred = 1
        end
        redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
        return deferred
        """)

    /// Reserves the next send slot of both the sending number's and the account's bucket, or of
    /// neither.
    ///
    /// KEYS: 1 number bucket, 2 account bucket. ARGV: 1 number rate, 2 account rate (tokens per
    /// second; 0 means no limit), 3 burst (bucket capacity), 4 the longest wait in ms the caller
    /// will spend for a slot. Time is Redis `TIME`, so every sender process shares the same clock
    /// and the same buckets.
    ///
    /// A bucket is `tokens` at time `ts`; `ts` may lie in the future, at the last slot reserved.
    /// The slot is the earliest time both buckets hold a token. When it is at most ARGV[4] away,
    /// a token is taken from both at that time and the script returns `{1, ms until the slot}`
    /// (0: send now); the caller must not send before it. Otherwise nothing changes and it
    /// returns `{0, ms until the slot}`.
    ///
    /// Reserving, rather than answering "try again in n ms", keeps the buckets exact under
    /// contention: callers that come back a little late never let a full bucket overflow and lose
    /// its tokens, and the slots of any interval of length L never exceed burst + rate·L.
    static let pace = RedisScript(
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
        local burst = tonumber(ARGV[3])
        local buckets = {}
        local slot = now
        for i = 1, 2 do
          local rate = tonumber(ARGV[i])
          if rate > 0 then
            local bucket = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
            local tokens = tonumber(bucket[1])
            local ts = tonumber(bucket[2])
            if not tokens or not ts then
              tokens = burst
              ts = now
            elseif ts < now then
              tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
              ts = now
            end
            buckets[i] = {rate, tokens, ts}
            local ready = ts
            if tokens < 1 then ready = ts + (1 - tokens) * 1000 / rate end
            if ready > slot then slot = ready end
          end
        end
        local wait = math.ceil(slot - now)
        if wait > tonumber(ARGV[4]) then return {0, wait} end
        for i = 1, 2 do
          local b = buckets[i]
          if b then
            local rate, tokens, ts = b[1], b[2], b[3]
            local level = math.min(burst, tokens + (slot - ts) * rate / 1000) - 1
            redis.call('HSET', KEYS[i], 'tokens', string.format('%.6f', level), 'ts', string.format('%.3f', slot))
            redis.call('PEXPIRE', KEYS[i], math.ceil(slot - now + burst * 1000 / rate) + 1000)
          end
        end
        return {1, wait}
        """)

    /// Moves retries that are due back onto the queue stream.
    ///
    /// KEYS: 1 retry set, 2 queue stream. ARGV: 1 most entries to move. Returns how many moved.
    static let moveDue = RedisScript(
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        for _, member in ipairs(due) do
          redis.call('XADD', KEYS[2], '*', 'payload', member)
          redis.call('ZREM', KEYS[1], member)
        end
        return #due
        """)

    /// Cancels a queued message.
    ///
    /// KEYS: 1 status hash, 2 `sms:events`, 3 retry set. ARGV: 1 now (ISO 8601), 2 events MAXLEN,
    /// 3 `message.cancelled` event JSON. Returns `{'cancelled'}`, `{'conflict', status}` or `{'missing'}`.
    static let cancel = RedisScript(
        """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return {'missing'} end
        if status ~= 'queued' then return {'conflict', status} end
        redis.call('HSET', KEYS[1], 'status', 'cancelled', 'updated_at', ARGV[1])
        local member = redis.call('HGET', KEYS[1], 'retry_member')
        if member then
          redis.call('ZREM', KEYS[3], member)
          redis.call('HDEL', KEYS[1], 'retry_member')
        end
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'payload', ARGV[3])
        return {'cancelled'}
        """)

    /// Moves an unreadable queue entry to the dead-letter stream and acknowledges it.
    ///
    /// KEYS: 1 dead-letter stream, 2 queue stream. ARGV: 1 group, 2 entry id, 3 dead letter JSON.
    static let deadLetter = RedisScript(
        """
        redis.call('XADD', KEYS[1], '*', 'payload', ARGV[3])
        redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
        return 1
        """)
}
