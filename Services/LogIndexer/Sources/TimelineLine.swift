import WireModels

/// How an event reads in a debug timeline: its level, a one-line message and its details,
/// computed once at ingest so timelines are plain reads.
struct TimelineLine {
    var level: String
    var message: String
    /// A JSON object, or nil when the event has no details.
    var eventData: String?

    init(_ event: MessageEvent) {
        let isReceipt = LogStatus.isReceipt(event)
        level = event.level ?? Self.defaultLevel(event)
        message = event.summary ?? Self.defaultMessage(event, isReceipt: isReceipt)

        var object = JSONObjectWriter()
        for (key, value) in (event.eventData ?? [:]).sorted(by: { $0.key < $1.key }) {
            object.add(key, value)
        }
        let detailKeys = Set((event.eventData ?? [:]).keys)
        func add(_ key: String, _ value: String?) {
            if let value, !detailKeys.contains(key) { object.add(key, value) }
        }
        add("message_id", event.messageID)
        add("direction", event.type.isConversationEvent ? nil : event.direction)
        add("provider", event.provider)
        add("provider_message_id", event.providerMessageID)
        add("status", event.status)
        add("provider_status", event.providerStatus)
        add("error_code", event.errorCode)
        add("error_message", event.errorMessage)
        if let attempt = event.attempt, !detailKeys.contains("attempt") { object.add("attempt", attempt) }
        eventData = object.isEmpty ? nil : object.closedText
    }

    private static func defaultLevel(_ event: MessageEvent) -> String {
        switch event.type {
        case .failed, .undelivered: "error"
        case .retrying: "warning"
        case .forwardingAttempted: event.errorMessage == nil && event.eventData?["error"] == nil ? "info" : "warning"
        default: "info"
        }
    }

    private static func defaultMessage(_ event: MessageEvent, isReceipt: Bool) -> String {
        switch event.type {
        case .queued: "Outbound SMS queued"
        case .sending: "Sending SMS to provider"
        case .sent: isReceipt ? "Provider reported SMS sent" : "SMS accepted by provider"
        case .delivered: "SMS delivered"
        case .undelivered: "SMS undelivered"
        case .failed: isReceipt ? "Provider reported SMS failed" : "SMS failed"
        case .cancelled: "SMS cancelled"
        case .received: "Inbound SMS received"
        case .retrying: "SMS send will be retried"
        case .webhookReceived: "Provider webhook received"
        case .forwardingAttempted: "Inbound SMS forwarded to assistant webhook"
        case .conversationStarted: "Conversation started"
        case .conversationMessageAdded: "Message added to conversation"
        case .conversationCompleted: "Conversation completed"
        case .conversationArchived: "Conversation archived"
        }
    }
}

extension MessageEventType {
    /// Events about a conversation rather than one message.
    var isConversationEvent: Bool {
        switch self {
        case .conversationStarted, .conversationMessageAdded, .conversationCompleted, .conversationArchived: true
        default: false
        }
    }
}

/// Writes a flat JSON object without Foundation's encoder: ingest builds one per event.
struct JSONObjectWriter {
    private(set) var text = "{"
    private(set) var isEmpty = true

    mutating func add(_ key: String, _ value: String) {
        appendKey(key)
        Self.appendString(value, to: &text)
    }

    mutating func add(_ key: String, _ value: Int) {
        appendKey(key)
        text += String(value)
    }

    private mutating func appendKey(_ key: String) {
        if !isEmpty { text += "," }
        if isEmpty {
            isEmpty = false
        }
        Self.appendString(key, to: &text)
        text += ":"
    }

    var closedText: String { text + "}" }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// A JSON array of strings.
    static func array(_ values: [String]) -> String {
        var text = "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            appendString(value, to: &text)
        }
        return text + "]"
    }
}
