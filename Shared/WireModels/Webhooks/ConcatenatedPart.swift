/// One part of a concatenated inbound SMS that the provider did not reassemble (Vonage SMS API
/// `concat-ref`, `concat-total`, `concat-part`).
///
/// JSON: `{"reference": "108", "total": 3, "index": 2}`.
public struct ConcatenatedPart: Codable, Sendable, Equatable {
    /// Shared by every part of the same message from the same sender (`concat-ref`).
    public var reference: String
    /// How many parts the message has (`concat-total`).
    public var total: Int
    /// This part's position, from 1 (`concat-part`).
    public var index: Int

    public init(reference: String, total: Int, index: Int) {
        self.reference = reference
        self.total = total
        self.index = index
    }
}
