// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "terrace",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "terrace", targets: ["terrace"]),
        .library(name: "TerraceCore", targets: ["TerraceCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        // The core: model, loading, validation, expressions, graph, planning. No process or network I/O;
        // every side effect sits behind a protocol with an in-memory fake.
        .target(
            name: "TerraceCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: strict
        ),
        // The Terraform modules Terrace ships (modules/aws/*), bundled as resources next to the binary.
        .target(
            name: "TerraceModules",
            path: "modules",
            exclude: ["README.md"],
            sources: ["Bundle"],
            resources: [.copy("aws"), .copy("catalogue")],
            swiftSettings: strict
        ),
        // Driver: the local disk (file system, local-directory state store, built-in module lookup).
        .target(
            name: "TerraceLocal",
            dependencies: ["TerraceCore", "TerraceModules"],
            swiftSettings: strict
        ),
        // Driver: git (module sources fetched with the git CLI).
        .target(
            name: "TerraceGit",
            dependencies: [
                "TerraceCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strict
        ),
        // Driver: AWS over HTTP (SigV4-signed S3 calls: state bucket, Terrace's records, the infrastructure lock).
        .target(
            name: "TerraceAWS",
            dependencies: [
                "TerraceCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Driver: the Terraform / OpenTofu binary (working directories, init/plan/apply/destroy, outputs).
        .target(
            name: "TerraceTerraform",
            dependencies: [
                "TerraceCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strict
        ),
        // Driver: Kubernetes (kubeconfig and credentials, discovery, server-side apply, waiting on conditions).
        .target(
            name: "TerraceKubernetes",
            dependencies: [
                "TerraceCore", "TerraceAWS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Driver: SQLite (the service's embedded status database).
        .target(
            name: "TerraceSQLite",
            dependencies: ["TerraceCore", .product(name: "SQLiteNIO", package: "sqlite-nio")],
            swiftSettings: strict
        ),
        // Driver: PostgreSQL (the status database shared by several service replicas, with advisory locks).
        .target(
            name: "TerracePostgres",
            dependencies: [
                "TerraceCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The service: `terrace serve`'s HTTP API, webhook, reconcile and drift loops under a service group.
        .target(
            name: "TerraceServer",
            dependencies: [
                "TerraceCore", "TerraceLocal", "TerraceGit", "TerraceAWS", "TerraceTerraform", "TerraceKubernetes", "TerraceSQLite",
                "TerracePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("UI/Templates"), .copy("UI/Static")],
            swiftSettings: strict
        ),
        // The command-line interface.
        .target(
            name: "TerraceCLI",
            dependencies: [
                "TerraceCore", "TerraceLocal", "TerraceGit", "TerraceAWS", "TerraceTerraform", "TerraceKubernetes", "TerraceServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "terrace", dependencies: ["TerraceCLI"], swiftSettings: strict),
        // Fixtures shared by the test suites: in-memory repositories, simulated applies, seeded randomness.
        .target(
            name: "TerraceTestSupport",
            dependencies: ["TerraceCore", "TerraceLocal", .product(name: "Subprocess", package: "swift-subprocess")],
            path: "Tests/TerraceTestSupport", swiftSettings: strict),
        .testTarget(
            name: "TerraceCoreTests",
            dependencies: ["TerraceCore", "TerraceTestSupport", .product(name: "BigInt", package: "BigInt")],
            exclude: ["Language/Fixtures"], swiftSettings: strict),
        .testTarget(name: "TerraceAWSTests", dependencies: ["TerraceAWS", "TerraceTestSupport"], swiftSettings: strict),
        // The Kubernetes driver against the Kubernetes API test server (Tests/KubernetesTestServer, Go, with the real
        // server-side apply merge library), which real kubectl also drives.
        .testTarget(
            name: "TerraceKubernetesTests",
            dependencies: [
                "TerraceKubernetes", "TerraceTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "TerraceTerraformTests", dependencies: ["TerraceTerraform", "TerraceTestSupport"], swiftSettings: strict),
        // End-to-end: the real terrace binary and Terraform against a local AWS API (moto) on loopback.
        .testTarget(
            name: "TerraceEndToEndTests",
            dependencies: ["TerraceCore", "TerraceLocal", "TerraceAWS", "TerraceKubernetes", "TerraceTestSupport"],
            swiftSettings: strict
        ),
        // The service: router tests (`app.test(.router)`) with fakes, and SQL stores on SQLite and PostgreSQL.
        .testTarget(
            name: "TerraceServerTests",
            dependencies: [
                "TerraceServer", "TerraceCore", "TerraceSQLite", "TerracePostgres", "TerraceTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerraceCLITests",
            dependencies: ["TerraceCLI", "TerraceCore", "TerraceLocal", "TerraceGit", "TerraceTestSupport"],
            swiftSettings: strict
        ),
    ]
)
