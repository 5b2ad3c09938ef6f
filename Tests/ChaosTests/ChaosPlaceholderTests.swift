import Testing

/// Placeholder until the reliability tests land.
@Suite struct ChaosPlaceholderTests {
    @Test func placeholder() { #expect(Bool(true)) }
}
