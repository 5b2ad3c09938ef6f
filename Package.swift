// swift-tools-version:6.1
import PackageDescription

// Switchboard: one package, five services, a handful of shared libraries.
// Layout and import rules are described in docs/architecture.md.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["GatewayMain"]),
        .executable(name: "sender", targets: ["SenderMain"]),
        .executable(name: "webhook-ingest", targets: ["WebhookIngestMain"]),
        .executable(name: "log-indexer", targets: ["LogIndexerMain"]),
        .executable(name: "session-manager", targets: ["SessionManagerMain"]),
        .executable(name: "provider-sandbox", targets: ["ProviderSandbox"]),
        .executable(name: "log-indexer-bench", targets: ["LogIndexerBench"]),
        .executable(name: "SessionManagerBench", targets: ["SessionManagerBench"]),
        .executable(name: "switchboard-bench", targets: ["SwitchboardBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // MARK: Shared libraries

        // hiredis from Debian's libhiredis-dev; only RedisStore imports it.
        .systemLibrary(
            name: "CHiredis",
            path: "Shared/CHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // Codable types on the wire, queue envelopes, events, Redis key names. Foundation only.
        .target(
            name: "WireModels",
            path: "Shared/WireModels",
            swiftSettings: swiftSettings
        ),
        // Our Redis client: pool, pipelining, scripts, streams, reconnection.
        .target(
            name: "RedisStore",
            dependencies: [
                "CHiredis",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/RedisStore",
            swiftSettings: swiftSettings
        ),
        // SQLite through GRDB: open, WAL, migrations, batched writes.
        .target(
            name: "SQLiteStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/SQLiteStore",
            swiftSettings: swiftSettings
        ),
        // Configuration, logging, health and ready, error and internal-auth middleware, process runner.
        .target(
            name: "ServiceRuntime",
            dependencies: [
                "WireModels", "RedisStore", "SQLiteStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/ServiceRuntime",
            swiftSettings: swiftSettings
        ),
        // Twilio, Telnyx and Vonage: sending, webhook parsing and signature checks.
        .target(
            name: "Providers",
            dependencies: [
                "WireModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Providers",
            swiftSettings: swiftSettings
        ),

        // MARK: Services (library with the logic + one-file executable)

        .target(
            name: "Gateway",
            dependencies: serviceDependencies + [
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Services/Gateway/Sources", swiftSettings: swiftSettings),
        .executableTarget(name: "GatewayMain", dependencies: ["Gateway", "ServiceRuntime"], path: "Services/Gateway/Main", swiftSettings: swiftSettings),
        .target(
            name: "Sender",
            dependencies: serviceDependencies + [.product(name: "Crypto", package: "swift-crypto")],
            path: "Services/Sender/Sources", swiftSettings: swiftSettings),
        .executableTarget(name: "SenderMain", dependencies: ["Sender", "ServiceRuntime"], path: "Services/Sender/Main", swiftSettings: swiftSettings),
        .target(name: "WebhookIngest", dependencies: serviceDependencies, path: "Services/WebhookIngest/Sources", swiftSettings: swiftSettings),
        .executableTarget(name: "WebhookIngestMain", dependencies: ["WebhookIngest", "ServiceRuntime"], path: "Services/WebhookIngest/Main", swiftSettings: swiftSettings),
        .target(name: "LogIndexer", dependencies: serviceDependencies, path: "Services/LogIndexer/Sources", swiftSettings: swiftSettings),
        .executableTarget(name: "LogIndexerMain", dependencies: ["LogIndexer", "ServiceRuntime"], path: "Services/LogIndexer/Main", swiftSettings: swiftSettings),
        .target(
            name: "SessionManager",
            dependencies: serviceDependencies + [.product(name: "Crypto", package: "swift-crypto")],
            path: "Services/SessionManager/Sources", swiftSettings: swiftSettings),
        .executableTarget(name: "SessionManagerMain", dependencies: ["SessionManager", "ServiceRuntime"], path: "Services/SessionManager/Main", swiftSettings: swiftSettings),

        // MARK: Tests

        // Test helpers shared by the test targets: a private redis-server process, free ports, env.
        .target(
            name: "TestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport",
            swiftSettings: swiftSettings),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway"] + serviceTestDependencies, swiftSettings: swiftSettings),

        // Emulates the Twilio, Telnyx and Vonage APIs for tests, benchmarks and scripts/run.
        .target(
            name: "ProviderSandboxKit",
            dependencies: [
                "WireModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ProviderSandboxKit",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ProviderSandbox", dependencies: ["ProviderSandboxKit"], path: "Tests/ProviderSandbox",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ProviderSandboxTests",
            dependencies: [
                "ProviderSandboxKit", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProvidersTests",
            dependencies: [
                "Providers", "WireModels", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SenderTests", dependencies: ["Sender", "Providers", "ProviderSandboxKit"] + serviceTestDependencies, swiftSettings: swiftSettings),
        .testTarget(name: "LogIndexerTests", dependencies: ["LogIndexer"] + serviceTestDependencies, swiftSettings: swiftSettings),
        .testTarget(name: "SessionManagerTests", dependencies: ["SessionManager"] + serviceTestDependencies, swiftSettings: swiftSettings),
        .testTarget(name: "WebhookIngestTests", dependencies: ["WebhookIngest", "Providers", "ProviderSandboxKit"] + serviceTestDependencies, swiftSettings: swiftSettings),
        // The services together over real HTTP: gateway, sender, webhook-ingest and the sandbox.
        .testTarget(name: "EndToEndTests", dependencies: ["Gateway", "Sender", "WebhookIngest", "ProviderSandboxKit"] + serviceTestDependencies, swiftSettings: swiftSettings),
        // Builds 1,000,000 SMS logs and times log-indexer's ingest and queries (scripts/bench-logs).
        .executableTarget(
            name: "LogIndexerBench",
            dependencies: [
                "LogIndexer", "ServiceRuntime", "RedisStore", "SQLiteStore", "WireModels",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LogIndexerBench", swiftSettings: swiftSettings),
        // Times session-manager's event consumption and list queries over 1,000,000 records (scripts/bench-sessions).
        .executableTarget(
            name: "SessionManagerBench",
            dependencies: [
                "SessionManager", "ServiceRuntime", "RedisStore", "SQLiteStore", "WireModels",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/SessionManager/Bench", swiftSettings: swiftSettings),
        // Load generator and probes behind scripts/bench: end-to-end rate, pacing accuracy, webhook ingest.
        .executableTarget(
            name: "SwitchboardBench",
            dependencies: [
                "WireModels", "Providers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/SwitchboardBench", swiftSettings: swiftSettings),
        .testTarget(name: "WireModelsTests", dependencies: ["WireModels"], swiftSettings: swiftSettings),
        .testTarget(name: "RedisStoreTests", dependencies: ["RedisStore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServiceRuntimeTests",
            dependencies: [
                "ServiceRuntime", "TestSupport", "WireModels",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reliability: kill -9 and restarts of the sender, Redis and the gateway mid-stream, and
        // pacing across sender replicas, with the built executables and the provider sandbox.
        .testTarget(
            name: "ChaosTests",
            dependencies: [
                "RedisStore", "TestSupport", "WireModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Launches the five built executables against a private Redis and checks them from outside.
        .testTarget(
            name: "SystemTests",
            dependencies: [
                "RedisStore", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

/// What every service library may use: the shared modules, never another service.
var serviceDependencies: [Target.Dependency] {
    [
        "WireModels", "RedisStore", "SQLiteStore", "ServiceRuntime", "Providers",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
    ]
}

/// What every service's test target may use besides the service itself.
var serviceTestDependencies: [Target.Dependency] {
    [
        "ServiceRuntime", "RedisStore", "SQLiteStore", "WireModels", "TestSupport",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    ]
}
