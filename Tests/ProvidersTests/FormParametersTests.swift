import Foundation
import Providers
import Testing

@Suite struct FormParametersTests {
    @Test func decodesPlusAsSpaceAndPercentEscapesAsUTF8() throws {
        let params = try FormParameters(formEncoded: "Body=Hello+world%21+%F0%9F%98%80&To=%2B15558675310&Empty=&Flag")
        #expect(params["Body"] == "Hello world! 😀")
        #expect(params["To"] == "+15558675310")
        #expect(params["Empty"] == "")
        #expect(params["Flag"] == "")
        #expect(params["Missing"] == nil)
        #expect(params.rawText == "Body=Hello+world%21+%F0%9F%98%80&To=%2B15558675310&Empty=&Flag")
    }

    @Test func keepsRepeatedNamesInOrder() throws {
        let params = try FormParameters(formEncoded: "MediaUrl=https%3A%2F%2Fa&MediaUrl=https%3A%2F%2Fb")
        #expect(params.values(of: "MediaUrl") == ["https://a", "https://b"])
        #expect(params["MediaUrl"] == "https://a")
    }

    @Test func acceptsAQueryStringWithItsQuestionMark() throws {
        #expect(try FormParameters(formEncoded: "?a=1&b=2") == ["a": "1", "b": "2"])
    }

    @Test func encodesAsPythonsUrlencodeDoes() throws {
        let pairs: [(name: String, value: String)] = [("Body", "a b&c=d/é~*"), ("To", "+1")]
        let encoded = FormParameters.encode(pairs)
        #expect(encoded == "Body=a+b%26c%3Dd%2F%C3%A9~%2A&To=%2B1")
        #expect(try FormParameters(formEncoded: encoded) == FormParameters(pairs))
    }

    @Test func rejectsABrokenPercentEscape() {
        #expect(throws: ProviderError.malformedWebhook(reason: "bad percent escape in form data")) {
            try FormParameters(formEncoded: "a=%G1")
        }
        #expect(throws: ProviderError.self) {
            try FormParameters(formEncoded: "a=%4")
        }
    }
}
