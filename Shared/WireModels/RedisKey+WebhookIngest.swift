// MARK: Webhook ingest (internal)

extension RedisKey {
    /// Hash: the parts received so far of a concatenated inbound SMS that the provider delivers
    /// part by part (Vonage SMS API), field = part index from 1, value = that part as
    /// `InboundMessage` JSON; webhook-ingest deletes it once it published the whole message, or
    /// it expires (1 h). `to` and `from` are E.164; `reference` is the provider's `concat-ref`.
    public static func concatenatedParts(provider: String, to: String, from: String, reference: String) -> String {
        "sms:concat:\(provider):\(to):\(from):\(reference)"
    }
}
