import AsyncHTTPClient
import Foundation
import Logging

/// The HTTP plumbing the three clients share: one request under a deadline, the reply read into
/// memory, transport failures mapped to ``ProviderError``.
struct ProviderTransport: Sendable {
    /// A provider's answer, read in full.
    struct Reply: Sendable {
        /// HTTP status code.
        var status: Int
        /// Response headers, names lower-cased, first value of each.
        var headers: [String: String]
        /// Response body.
        var body: Data
    }

    /// Largest reply body we read; provider replies are a few kilobytes.
    static let maximumBodySize = 1 << 20

    let provider: ProviderName
    let httpClient: HTTPClient
    let timeout: Duration
    let logger: Logger

    /// Sends `request` and reads the reply, throwing ``ProviderError/timeout`` or
    /// ``ProviderError/connectionFailed(reason:)`` when there is none.
    func execute(_ request: HTTPClientRequest) async throws -> Reply {
        let started = ContinuousClock.now
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.wholeNanoseconds))
            var body = Data()
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > Self.maximumBodySize {
                    throw ProviderError.invalidResponse(reason: "reply body larger than \(Self.maximumBodySize) bytes")
                }
            }
            var headers: [String: String] = [:]
            for header in response.headers where headers[header.name.lowercased()] == nil {
                headers[header.name.lowercased()] = header.value
            }
            let status = Int(response.status.code)
            logger.debug(
                "provider request answered",
                metadata: [
                    "sb.provider": "\(provider.rawValue)", "http.status": "\(status)",
                    "sb.duration_ms": "\((ContinuousClock.now - started).wholeMilliseconds)",
                ])
            return Reply(status: status, headers: headers, body: body)
        } catch let error as ProviderError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where Self.timeoutErrors.contains(error) {
            logger.debug("provider request timed out", metadata: ["sb.provider": "\(provider.rawValue)"])
            throw ProviderError.timeout
        } catch let error as HTTPClientError where error == .invalidURL {
            throw ProviderError.invalidRequest(reason: "invalid provider URL")
        } catch {
            // AsyncHTTPClient reports a cancelled task as its own error; keep it a cancellation.
            if Task.isCancelled { throw CancellationError() }
            logger.debug(
                "provider request failed",
                metadata: ["sb.provider": "\(provider.rawValue)", "sb.error": "\(String(describing: error))"])
            throw ProviderError.connectionFailed(reason: String(describing: error))
        }
    }

    private static let timeoutErrors: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout,
    ]

    /// Classifies a non-2xx reply once the provider-specific body has been read.
    static func error(
        status: Int,
        code: String?,
        message: String,
        retryAfter: Duration?
    ) -> ProviderError {
        switch status {
        case 429: .rateLimited(retryAfter: retryAfter, code: code, message: message)
        case 401, 403: .authenticationFailed(status: status, code: code, message: message)
        case 500...599: .serverError(status: status, code: code, message: message)
        default: .rejected(status: status, code: code, message: message)
        }
    }

    /// Reads a `Retry-After` value: delay seconds or an HTTP date (RFC 9110 §10.2.3).
    static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    /// The `Authorization` value for HTTP Basic (RFC 7617).
    static func basicAuthorization(user: String, password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// `base` without trailing slashes, followed by `path`.
    static func url(base: String, path: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max`.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }

    /// Whole milliseconds.
    var wholeMilliseconds: Int64 { wholeNanoseconds / 1_000_000 }
}
