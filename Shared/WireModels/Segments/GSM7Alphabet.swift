/// The GSM 03.38 default alphabet (providers.md §6.2) and its extension table (§6.3), without
/// national shift tables, which the providers' APIs do not use.
enum GSM7Alphabet {
    /// Characters of the basic table: one septet each. ESC (0x1B) itself is not text.
    static let basic: Set<Unicode.Scalar> = {
        var scalars = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà".unicodeScalars)
        scalars.formUnion("0123456789".unicodeScalars)
        scalars.formUnion("ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
        scalars.formUnion("abcdefghijklmnopqrstuvwxyz".unicodeScalars)
        return scalars
    }()

    /// Characters of the extension table: sent as ESC + code, two septets each.
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets needed for `scalar`, or nil when it is not in the alphabet (the text needs UCS-2).
    static func septets(for scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }
}
