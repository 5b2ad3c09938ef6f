/// Counts the SMS segments a text needs, as providers.md §6.4 describes.
///
/// The text is GSM-7 when every Unicode scalar is in the basic or extension table, otherwise
/// UCS-2. It fits one segment up to 160 septets / 70 code units; beyond that, segments of
/// 153 / 67 are filled greedily and an escape pair or a surrogate pair is never split, so the
/// count can exceed `ceil(units / 153)`. Scalars rather than Swift `Character`s are inspected
/// because providers see the bytes: a decomposed `é` (e + U+0301) is not GSM-7 on the wire, and
/// CR LF is two septets.
public enum SegmentCounter {
    /// Septets in a single GSM-7 SMS.
    public static let gsm7SingleLimit = 160
    /// Septets per part of a concatenated GSM-7 SMS (6-octet UDH).
    public static let gsm7PartLimit = 153
    /// UTF-16 code units in a single UCS-2 SMS.
    public static let ucs2SingleLimit = 70
    /// UTF-16 code units per part of a concatenated UCS-2 SMS (6-octet UDH).
    public static let ucs2PartLimit = 67

    /// The encoding, segment count and size of `text`.
    public static func count(_ text: String) -> SegmentCount {
        let gsmCosts = text.unicodeScalars.map(GSM7Alphabet.septets(for:))
        let encoding: SMSEncoding
        let costs: [Int]
        let singleLimit: Int
        let partLimit: Int
        if gsmCosts.allSatisfy({ $0 != nil }) {
            encoding = .gsm7
            costs = gsmCosts.map { $0! }
            (singleLimit, partLimit) = (gsm7SingleLimit, gsm7PartLimit)
        } else {
            encoding = .ucs2
            costs = text.unicodeScalars.map { UTF16.width($0) }
            (singleLimit, partLimit) = (ucs2SingleLimit, ucs2PartLimit)
        }
        let units = costs.reduce(0, +)
        return SegmentCount(
            encoding: encoding,
            segments: segments(costs: costs, units: units, singleLimit: singleLimit, partLimit: partLimit),
            units: units,
            characters: text.count
        )
    }

    private static func segments(costs: [Int], units: Int, singleLimit: Int, partLimit: Int) -> Int {
        if units == 0 { return 0 }
        if units <= singleLimit { return 1 }
        var segments = 1
        var used = 0
        for cost in costs {
            // A pair that does not fit moves whole to the next part.
            if used + cost > partLimit {
                segments += 1
                used = cost
            } else {
                used += cost
            }
        }
        return segments
    }
}
