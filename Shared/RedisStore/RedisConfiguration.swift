/// Where and how ``RedisClient`` connects.
///
/// Usually built from a URL (`REDIS_URL`) with ``init(url:)``; pool size and timeouts are set on
/// the value afterwards. The ``description`` never shows the password, so the value is safe to log.
package struct RedisConfiguration: Sendable, Equatable {
    /// Host name or IP address of the server.
    package var host: String
    /// TCP port of the server.
    package var port: Int
    /// Database index selected on every connection (`SELECT`); 0 sends no `SELECT`.
    package var database: Int
    /// ACL user name for `AUTH user password` (Redis 6+); nil sends `AUTH password`.
    package var username: String?
    /// Password for `AUTH`; nil sends no `AUTH`.
    package var password: String?
    /// Number of connections, and of threads running blocking hiredis calls. At least 1.
    package var poolSize: Int
    /// Longest wait for a TCP connect before ``RedisError/connectionFailed(_:)``.
    package var connectTimeout: Duration
    /// Longest wait for one reply (socket read and write timeout) before
    /// ``RedisError/connectionLost(_:)``. Blocking reads add their block time to it.
    package var commandTimeout: Duration

    /// Host used when none is configured.
    package static let defaultHost = "127.0.0.1"
    /// Port used when the URL gives none.
    package static let defaultPort = 6379

    /// A configuration with explicit values; every parameter has the documented default.
    package init(
        host: String = RedisConfiguration.defaultHost,
        port: Int = RedisConfiguration.defaultPort,
        database: Int = 0,
        username: String? = nil,
        password: String? = nil,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`.
    ///
    /// User and password may be percent-encoded (`%40` for `@`). An IPv6 host is written in
    /// brackets (`redis://[::1]:6380`). Pool size and timeouts keep their defaults.
    ///
    /// - Throws: ``RedisError/invalidURL(_:)`` naming what is wrong: the scheme, the host, the
    ///   port, the database, the user info, or an unsupported query or fragment.
    package init(url: String) throws {
        self.init()
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw RedisError.invalidURL("missing scheme: expected redis://host[:port][/db]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "redis" else {
            throw RedisError.invalidURL("unsupported scheme '\(scheme)': only redis:// is supported")
        }
        var rest = url[schemeEnd.upperBound...]
        if rest.contains("?") || rest.contains("#") {
            throw RedisError.invalidURL("query parameters and fragments are not supported")
        }

        // The user info ends at the last "@", so a raw "@" or "/" in a password still parses;
        // the path starts at the first "/" after it.
        var path: Substring = ""
        if let at = rest.lastIndex(of: "@") {
            let slash = rest[at...].firstIndex(of: "/")
            if let slash {
                path = rest[slash...]
                rest = rest[..<slash]
            }
        } else if let slash = rest.firstIndex(of: "/") {
            path = rest[slash...]
            rest = rest[..<slash]
        }

        var hostAndPort = rest
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            hostAndPort = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else {
                throw RedisError.invalidURL("user info must be 'user:password@' or ':password@'")
            }
            let user = try Self.percentDecoded(userInfo[..<colon], part: "user name")
            let password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], part: "password")
            guard !password.isEmpty else {
                throw RedisError.invalidURL("empty password in user info")
            }
            self.username = user.isEmpty ? nil : user
            self.password = password
        }

        let portText: Substring?
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else {
                throw RedisError.invalidURL("unterminated IPv6 host '\(hostAndPort)'")
            }
            self.host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                throw RedisError.invalidURL("unexpected '\(after)' after IPv6 host")
            }
        } else if let colon = hostAndPort.firstIndex(of: ":") {
            self.host = String(hostAndPort[..<colon])
            portText = hostAndPort[hostAndPort.index(after: colon)...]
        } else {
            self.host = String(hostAndPort)
            portText = nil
        }
        guard !self.host.isEmpty else {
            throw RedisError.invalidURL("missing host")
        }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw RedisError.invalidURL("invalid port '\(portText)': expected 1-65535")
            }
            self.port = port
        }

        let database = path.drop(while: { $0 == "/" })
        if !database.isEmpty {
            guard database.allSatisfy(\.isASCII), let index = Int(database), index >= 0 else {
                throw RedisError.invalidURL("invalid database '\(database)': expected a number 0 or above")
            }
            self.database = index
        }
    }

    /// Decodes `%XX` escapes in a user name or password.
    private static func percentDecoded(_ text: Substring, part: String) throws -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next(), let low = utf8.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else {
                throw RedisError.invalidURL("bad percent escape in \(part)")
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The configuration as a URL with the password masked, plus pool size and timeouts.
    package var description: String {
        "\(self.redactedURL) poolSize=\(self.poolSize) connectTimeout=\(self.connectTimeout) commandTimeout=\(self.commandTimeout)"
    }

    /// `redis://user:***@host:port/db`: the URL with the password replaced, safe for logs.
    package var redactedURL: String {
        var userInfo = ""
        if self.username != nil || self.password != nil {
            userInfo = "\(self.username ?? ""):\(self.password == nil ? "" : "***")@"
        }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "redis://\(userInfo)\(host):\(self.port)/\(self.database)"
    }
}
