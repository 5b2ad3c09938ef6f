/// Hand-written JSON for the two payloads every send writes (`sms:queue:*` envelopes and
/// `sms:events` entries). The text is what `JSONEncoder` writes for these types, up to key order
/// and whitespace: the same keys, a key left out when its value is nil. `JSONEncoder` cost about
/// 13 % of the gateway's CPU per send in a profile; this costs a fraction of it. Tests decode the
/// text with `JSONDecoder` and compare it with the value.
struct JSONObjectWriter {
    private(set) var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if first { first = false } else { text += "," }
        text += "\"" + name + "\":"
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        text += JSONText.quoted(value)
    }

    mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func field(_ name: String, _ values: [String]?) {
        guard let values else { return }
        key(name)
        text += "[" + values.map(JSONText.quoted).joined(separator: ",") + "]"
    }

    mutating func field(_ name: String, _ object: [String: String]?) {
        guard let object else { return }
        key(name)
        text += JSONText.object(object.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    func finished() -> String { text + "}" }
}

extension QueueEnvelope {
    /// The envelope as JSON, as `JSONEncoder` would write it (see `JSONObjectWriter`).
    public func jsonText() -> String {
        var json = JSONObjectWriter()
        json.field(CodingKeys.schemaVersion.rawValue, schemaVersion)
        json.field(CodingKeys.messageID.rawValue, messageID)
        json.field(CodingKeys.organizationID.rawValue, organizationID)
        json.field(CodingKeys.assistantID.rawValue, assistantID)
        json.field(CodingKeys.provider.rawValue, provider)
        json.field(CodingKeys.from.rawValue, from)
        json.field(CodingKeys.to.rawValue, to)
        json.field(CodingKeys.body.rawValue, body)
        json.field(CodingKeys.mediaURLs.rawValue, mediaURLs)
        json.field(CodingKeys.idempotencyKey.rawValue, idempotencyKey)
        json.field(CodingKeys.queuedAt.rawValue, queuedAt)
        json.field(CodingKeys.validUntil.rawValue, validUntil)
        return json.finished()
    }
}

extension MessageEvent {
    /// The event as JSON, as `JSONEncoder` would write it (see `JSONObjectWriter`).
    public func jsonText() -> String {
        var json = JSONObjectWriter()
        json.field(CodingKeys.schemaVersion.rawValue, schemaVersion)
        json.field(CodingKeys.eventID.rawValue, eventID)
        json.field(CodingKeys.type.rawValue, type.rawValue)
        json.field(CodingKeys.occurredAt.rawValue, occurredAt)
        json.field(CodingKeys.messageID.rawValue, messageID)
        json.field(CodingKeys.conversationID.rawValue, conversationID)
        json.field(CodingKeys.level.rawValue, level)
        json.field(CodingKeys.summary.rawValue, summary)
        json.field(CodingKeys.eventData.rawValue, eventData)
        json.field(CodingKeys.organizationID.rawValue, organizationID)
        json.field(CodingKeys.assistantID.rawValue, assistantID)
        json.field(CodingKeys.direction.rawValue, direction)
        json.field(CodingKeys.provider.rawValue, provider)
        json.field(CodingKeys.from.rawValue, from)
        json.field(CodingKeys.to.rawValue, to)
        json.field(CodingKeys.body.rawValue, body)
        json.field(CodingKeys.mediaURLs.rawValue, mediaURLs)
        json.field(CodingKeys.segments.rawValue, segments)
        json.field(CodingKeys.encoding.rawValue, encoding)
        json.field(CodingKeys.providerMessageID.rawValue, providerMessageID)
        json.field(CodingKeys.status.rawValue, status)
        json.field(CodingKeys.providerStatus.rawValue, providerStatus)
        json.field(CodingKeys.errorCode.rawValue, errorCode)
        json.field(CodingKeys.errorMessage.rawValue, errorMessage)
        json.field(CodingKeys.idempotencyKey.rawValue, idempotencyKey)
        json.field(CodingKeys.attempt.rawValue, attempt)
        json.field(CodingKeys.rawPayload.rawValue, rawPayload)
        return json.finished()
    }
}
