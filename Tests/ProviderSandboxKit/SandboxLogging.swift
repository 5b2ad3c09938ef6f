import Logging

/// swift-log set-up for the `provider-sandbox` process.
public enum SandboxLogging {
    /// The process's log label.
    public static let label = "switchboard.provider-sandbox"

    /// Installs a standard-error log handler at `level`; call once, first thing in `main`.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
