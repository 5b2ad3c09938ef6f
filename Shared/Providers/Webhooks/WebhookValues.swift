import Foundation

/// Small conversions the webhook parsers share.
enum WebhookValues {
    /// A Vonage number (digits, no `+`) in E.164 with `+`. Short codes (fewer than 7 digits, the
    /// shortest E.164 number Vonage accepts) and alphanumeric sender ids are returned as they are.
    static func e164(vonage number: String) -> String {
        if number.count >= 7, number.allSatisfy(\.isASCIIDigit) { return "+" + number }
        return number
    }

    /// An ISO 8601 timestamp, with or without fractional seconds.
    static func iso8601(_ text: String?) -> Date? {
        guard let text else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// A Vonage SMS API `YYYY-MM-DD HH:MM:SS` timestamp, which is UTC.
    static func vonageTimestamp(_ text: String?) -> Date? {
        guard let text, text.count == 19 else { return nil }
        return iso8601(text.replacingOccurrences(of: " ", with: "T") + "Z")
    }

    /// The keys of a JSON object body as parameters, values as text (objects, arrays and nulls
    /// left out), so one parser and one signature check serve form and JSON webhooks alike.
    /// `rawText` is the JSON as received.
    static func parameters(json body: Data, provider: String) throws(ProviderError) -> FormParameters {
        guard let object = try? JSONDecoder().decode([String: JSONScalar].self, from: body) else {
            throw ProviderError.malformedWebhook(reason: "\(provider) webhook body is not a JSON object")
        }
        let pairs = object.compactMap { key, value in value.text.map { (name: key, value: $0) } }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return FormParameters(pairs, rawText: text(body))
    }

    /// Raw request text for the `raw` fields.
    static func text(_ body: Data) -> String {
        String(decoding: body, as: UTF8.self)
    }
}

extension Character {
    /// `0`…`9` only, unlike `isNumber`.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
