import Foundation
import Logging

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
    }

    /// The path of `name` inside the directory; nothing is created.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// The logger the tests hand to SQLiteStore: the module's label, quiet below warnings.
func makeTestLogger() -> Logger {
    var logger = Logger(label: "switchboard.sqlite")
    logger.logLevel = .warning
    return logger
}
