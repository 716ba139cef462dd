// swift-tools-version: 6.1
// Coverage-guided fuzz targets (libFuzzer) for Terrace's readers of untrusted text. A package of its own, so the
// main build (`swift build --build-tests`) never sees it; scripts/fuzz.sh builds it with `-sanitize=fuzzer,address`
// and runs each target. See docs/fuzzing.md.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "terrace-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "terrace", path: ".."),
    ],
    targets: [
        // libFuzzer's driver function, declared for Swift.
        .target(name: "CLibFuzzer"),
        // What the targets share: starting libFuzzer, turning input bytes into text, running async code, invariants.
        .target(
            name: "FuzzSupport",
            dependencies: ["CLibFuzzer", .product(name: "TerraceCore", package: "terrace")],
            swiftSettings: strict
        ),
        // The manifest loader: RepoLoader over an in-memory repository whose manifests come from the input.
        .executableTarget(
            name: "FuzzManifest",
            dependencies: ["FuzzSupport", .product(name: "TerraceCore", package: "terrace")],
            swiftSettings: strict
        ),
        // The reader of Terraform modules' variables and outputs (`.tf` and `.tf.json`), and HCLText.quoted.
        .executableTarget(
            name: "FuzzHCL",
            dependencies: ["FuzzSupport", .product(name: "TerraceCore", package: "terrace")],
            swiftSettings: strict
        ),
        // The expression and template parser, then the evaluator on what parses.
        .executableTarget(
            name: "FuzzExpression",
            dependencies: ["FuzzSupport", .product(name: "TerraceCore", package: "terrace")],
            swiftSettings: strict
        ),
    ]
)
