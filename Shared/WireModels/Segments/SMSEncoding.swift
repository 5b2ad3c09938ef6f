/// The character set an SMS travels in (providers.md §6.1).
public enum SMSEncoding: String, Codable, Sendable {
    /// The GSM 03.38 default alphabet plus its extension table: 7-bit septets.
    case gsm7 = "GSM-7"
    /// UTF-16 code units, as providers send UCS-2 in practice.
    case ucs2 = "UCS-2"
}
