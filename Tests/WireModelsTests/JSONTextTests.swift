import Foundation
import Testing
import WireModels

@Suite struct JSONTextTests {
    @Test func quotedStringsParseBackToTheSameText() throws {
        let samples = ["", "plain", "quote \" and backslash \\", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}", "ünïcødé 漢字 🚀", "/slash/"]
        for sample in samples {
            let json = "[" + JSONText.quoted(sample) + "]"
            let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
            #expect(parsed == [sample], "\(json)")
        }
    }

    @Test func objectsKeepTheKeyOrderAndParse() throws {
        let text = JSONText.object([(key: "b", value: "2"), (key: "a\"", value: "x\ny")])
        #expect(text == #"{"b":"2","a\"":"x\ny"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed == ["b": "2", "a\"": "x\ny"])
        #expect(JSONText.object([]) == "{}")
    }
}
