/// How a text splits into SMS segments: the result of ``SegmentCounter/count(_:)``.
public struct SegmentCount: Codable, Sendable, Equatable {
    /// The encoding the whole text needs: GSM-7 when every character is in the GSM alphabet.
    public var encoding: SMSEncoding
    /// Number of SMS parts; 0 for an empty text.
    public var segments: Int
    /// Septets (GSM-7, 2 for an extension-table character) or UTF-16 code units (UCS-2).
    public var units: Int
    /// User-perceived characters (grapheme clusters), for display.
    public var characters: Int

    public init(encoding: SMSEncoding, segments: Int, units: Int, characters: Int) {
        self.encoding = encoding
        self.segments = segments
        self.units = units
        self.characters = characters
    }
}
