/// Redis Streams commands: producing, consumer groups, acknowledging, and reclaiming.
extension RedisClient {
    /// Appends an entry with `XADD` and returns its id.
    ///
    /// - Parameters:
    ///   - maxLength: when given, adds `MAXLEN ~ maxLength`: the stream is trimmed to roughly that
    ///     many entries (whole macro nodes only, so it may keep a few more).
    ///   - id: `*` lets Redis choose the id.
    package func xadd(_ stream: String, fields: [(String, String)], maxLength: Int? = nil, id: String = "*") async throws -> String {
        var arguments = ["XADD", stream]
        if let maxLength {
            arguments += ["MAXLEN", "~", String(maxLength)]
        }
        arguments.append(id)
        for (field, value) in fields {
            arguments += [field, value]
        }
        let reply = try await self.command(arguments)
        guard let entryID = reply.string else {
            throw RedisError.unexpectedReply("XADD answered \(reply)")
        }
        return entryID
    }

    /// Creates a consumer group with `XGROUP CREATE`, and the stream too when `makeStream`
    /// (`MKSTREAM`). A group that already exists (`BUSYGROUP`) is not an error, so every consumer
    /// can call this at start.
    ///
    /// - Parameter startID: `$` delivers only entries added from now on; `0` delivers the whole
    ///   stream.
    package func xgroupCreate(_ stream: String, group: String, startID: String = "$", makeStream: Bool = true) async throws {
        var arguments = ["XGROUP", "CREATE", stream, group, startID]
        if makeStream {
            arguments.append("MKSTREAM")
        }
        do {
            _ = try await self.command(arguments)
        } catch RedisError.server(let message) where message.hasPrefix("BUSYGROUP") {
            return
        }
    }

    /// Reads entries for a consumer of a group with `XREADGROUP`.
    ///
    /// With `block`, the call waits up to that long for an entry (a zero duration is sent as 1 ms,
    /// since `BLOCK 0` would wait forever) and returns `[]` if none comes; the socket timeout for
    /// this call is `block` plus the command timeout. The call holds a pool thread while it
    /// waits: give a consumer loop its own client with a small `poolSize` (see ``RedisClient``).
    ///
    /// - Parameters:
    ///   - streams: the stream keys to read.
    ///   - ids: one id per stream; nil means `>` for each (entries never delivered to the group).
    ///     `0` re-reads this consumer's own pending entries.
    /// - Returns: the entries of all streams, stream by stream, in id order.
    package func xreadgroup(
        group: String,
        consumer: String,
        streams: [String],
        count: Int,
        block: Duration?,
        ids: [String]? = nil
    ) async throws -> [RedisStreamEntry] {
        var arguments = ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(count)]
        var timeout: Duration?
        if let block {
            arguments += ["BLOCK", String(max(1, block.milliseconds))]
            timeout = block + self.configuration.commandTimeout
        }
        arguments.append("STREAMS")
        arguments += streams
        arguments += ids ?? Array(repeating: ">", count: streams.count)

        let reply = try Self.throwingErrorReply(
            try await self.submit([arguments], timeout: timeout)[0]
        )
        if reply.isNull {
            return []
        }
        guard let perStream = reply.array else {
            throw RedisError.unexpectedReply("XREADGROUP answered \(reply)")
        }
        var entries: [RedisStreamEntry] = []
        for streamReply in perStream {
            guard let pair = streamReply.array, pair.count == 2, let stream = pair[0].string else {
                throw RedisError.unexpectedReply("XREADGROUP stream element \(streamReply)")
            }
            entries += try Self.streamEntries(pair[1], stream: stream, command: "XREADGROUP")
        }
        return entries
    }

    /// Acknowledges entries with `XACK`; returns how many were pending and are now acknowledged.
    package func xack(_ stream: String, group: String, ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let reply = try await self.command(["XACK", stream, group] + ids)
        guard case .integer(let acknowledged) = reply else {
            throw RedisError.unexpectedReply("XACK answered \(reply)")
        }
        return acknowledged
    }

    /// The summary form of `XPENDING`: how many entries are pending, their id range, and how many
    /// each consumer holds.
    package func xpendingSummary(_ stream: String, group: String) async throws -> RedisPendingSummary {
        let reply = try await self.command(["XPENDING", stream, group])
        guard let parts = reply.array, parts.count == 4, case .integer(let count) = parts[0] else {
            throw RedisError.unexpectedReply("XPENDING answered \(reply)")
        }
        var consumers: [String: Int] = [:]
        for consumerReply in parts[3].array ?? [] {
            guard let pair = consumerReply.array, pair.count == 2, let name = pair[0].string, let held = pair[1].int else {
                throw RedisError.unexpectedReply("XPENDING consumer element \(consumerReply)")
            }
            consumers[name] = held
        }
        return RedisPendingSummary(count: count, smallestID: parts[1].string, largestID: parts[2].string, consumers: consumers)
    }

    /// The extended form of `XPENDING`: up to `count` pending entries between `start` and `end`,
    /// optionally only those of `consumer` and only those idle for at least `minIdle`.
    package func xpending(
        _ stream: String,
        group: String,
        start: String = "-",
        end: String = "+",
        count: Int,
        consumer: String? = nil,
        minIdle: Duration? = nil
    ) async throws -> [RedisPendingEntry] {
        var arguments = ["XPENDING", stream, group]
        if let minIdle {
            arguments += ["IDLE", String(minIdle.milliseconds)]
        }
        arguments += [start, end, String(count)]
        if let consumer {
            arguments.append(consumer)
        }
        let reply = try await self.command(arguments)
        guard let rows = reply.array else {
            throw RedisError.unexpectedReply("XPENDING answered \(reply)")
        }
        return try rows.map { row in
            guard let fields = row.array, fields.count == 4,
                let id = fields[0].string, let owner = fields[1].string,
                let idle = fields[2].int, let deliveries = fields[3].int
            else {
                throw RedisError.unexpectedReply("XPENDING entry \(row)")
            }
            return RedisPendingEntry(id: id, consumer: owner, idle: .milliseconds(idle), deliveries: deliveries)
        }
    }

    /// Moves up to `count` entries pending for at least `minIdle` to `consumer` with `XAUTOCLAIM`,
    /// scanning the pending list from `start`. Call again with ``RedisAutoclaimResult/nextStart``
    /// until it is `0-0` to scan everything.
    package func xautoclaim(
        _ stream: String,
        group: String,
        consumer: String,
        minIdle: Duration,
        start: String = "0-0",
        count: Int
    ) async throws -> RedisAutoclaimResult {
        let reply = try await self.command([
            "XAUTOCLAIM", stream, group, consumer, String(minIdle.milliseconds), start, "COUNT", String(count),
        ])
        guard let parts = reply.array, parts.count >= 2, let nextStart = parts[0].string else {
            throw RedisError.unexpectedReply("XAUTOCLAIM answered \(reply)")
        }
        let entries = try Self.streamEntries(parts[1], stream: stream, command: "XAUTOCLAIM")
        var deletedIDs: [String] = []
        if parts.count >= 3 {
            deletedIDs = try (parts[2].array ?? []).map { idReply in
                guard let id = idReply.string else {
                    throw RedisError.unexpectedReply("XAUTOCLAIM deleted id \(idReply)")
                }
                return id
            }
        }
        return RedisAutoclaimResult(nextStart: nextStart, entries: entries, deletedIDs: deletedIDs)
    }

    /// Decodes `[[id, [field, value, ...]], ...]`. A nil field list (an entry deleted while
    /// pending, as Redis 6.2 reports it) gives empty fields; a nil entry is skipped.
    static func streamEntries(_ reply: RedisValue, stream: String, command: String) throws -> [RedisStreamEntry] {
        if reply.isNull {
            return []
        }
        guard let rows = reply.array else {
            throw RedisError.unexpectedReply("\(command) entries \(reply)")
        }
        var entries: [RedisStreamEntry] = []
        entries.reserveCapacity(rows.count)
        for row in rows where !row.isNull {
            guard let pair = row.array, pair.count == 2, let id = pair[0].string else {
                throw RedisError.unexpectedReply("\(command) entry \(row)")
            }
            let flat = pair[1].array ?? []
            guard flat.count % 2 == 0 else {
                throw RedisError.unexpectedReply("\(command) entry \(id) has an odd number of field values")
            }
            var fields: [String: String] = [:]
            for index in stride(from: 0, to: flat.count, by: 2) {
                guard let field = flat[index].string, let value = flat[index + 1].string else {
                    throw RedisError.unexpectedReply("\(command) entry \(id) has a non-string field")
                }
                fields[field] = value
            }
            entries.append(RedisStreamEntry(stream: stream, id: id, fields: fields))
        }
        return entries
    }
}
