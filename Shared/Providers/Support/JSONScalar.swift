/// A JSON value read leniently as text: providers send some numbers as strings and some strings
/// as numbers (Twilio `num_segments`, Telnyx `code`). Objects, arrays and null read as nil.
struct JSONScalar: Decodable, Sendable {
    /// The value as text, or nil when it is not a string, number or boolean.
    let text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else if let double = try? container.decode(Double.self) {
            text = String(double)
        } else if let bool = try? container.decode(Bool.self) {
            text = String(bool)
        } else {
            text = nil
        }
    }

    /// The value as an integer, when it is one or a string holding one.
    var integer: Int? { text.flatMap { Int($0) } }
}
