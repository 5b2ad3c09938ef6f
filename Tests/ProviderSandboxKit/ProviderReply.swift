import HTTPTypes
import Hummingbird

/// One HTTP reply of an emulated provider API, before it becomes a Hummingbird `Response`.
struct ProviderReply: Sendable {
    var status: Int
    /// The provider's error code, recorded in `/sandbox/messages` (nil on success).
    var errorCode: String?
    var contentType: String
    var headers: [(HTTPField.Name, String)] = []
    var body: String

    static func json(_ status: Int, _ body: String, errorCode: String? = nil) -> Self {
        Self(status: status, errorCode: errorCode, contentType: "application/json", body: body)
    }

    var response: Response {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count + 2)
        fields[.contentType] = contentType
        for (name, value) in headers { fields.append(HTTPField(name: name, value: value)) }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

extension HTTPField.Name {
    static let retryAfter = Self("Retry-After")!
    static let requestID = Self("X-Request-Id")!
    static let twilioSignature = Self("X-Twilio-Signature")!
    static let twilioIdempotencyToken = Self("I-Twilio-Idempotency-Token")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let telnyxSignature = Self("telnyx-signature-ed25519")!
    static let telnyxTimestamp = Self("telnyx-timestamp")!
    static let rateLimitLimit = Self("X-RateLimit-Limit")!
    static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
    static let rateLimitReset = Self("X-RateLimit-Reset")!
    static let telnyxRateLimitLimit = Self("x-ratelimit-limit")!
    static let telnyxRateLimitRemaining = Self("x-ratelimit-remaining")!
    static let telnyxRateLimitReset = Self("x-ratelimit-reset")!
}
