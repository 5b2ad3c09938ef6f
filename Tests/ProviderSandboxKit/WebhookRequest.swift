/// A webhook the sandbox is about to POST: a status callback or an injected inbound message.
struct WebhookRequest: Sendable {
    var url: String
    var contentType: String
    /// Headers besides `Content-Type`, in the order they are sent (signatures among them).
    var headers: [(name: String, value: String)]
    var body: String
}

/// What a webhook target answered, or why it did not.
struct WebhookResponse: Sendable {
    var status: Int?
    var headers: [(name: String, value: String)] = []
    var body = ""
    var error: String?

    var isSuccess: Bool { status.map { (200..<300).contains($0) } ?? false }
}
