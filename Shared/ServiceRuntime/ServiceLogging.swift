import Synchronization
import Foundation
import Logging
import WireModels

/// swift-log set-up for a process: one stream handler on standard error, at `LOG_LEVEL`.
package enum ServiceLogging {
    private static let once = BootstrapOnce()

    /// Installs the log handler once per process (later calls only return a logger).
    package static func bootstrap(level: Logger.Level) {
        once.run {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// The process logger, labelled `switchboard.<process>`.
    package static func logger(for service: ServiceName, level: Logger.Level) -> Logger {
        var logger = Logger(label: service.logLabel)
        logger.logLevel = level
        return logger
    }
}

/// Runs a block at most once per process.
private final class BootstrapOnce: Sendable {
    private let done = Mutex(false)

    func run(_ body: () -> Void) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first { body() }
    }
}
