/// How much a repository may cost to load: its files, their sizes, and what their YAML may expand to.
///
/// Every limit that is passed is a validation error naming the file (and line and column where there is one),
/// so a hostile or broken repository is refused instead of exhausting memory, the stack or time. The defaults are far
/// above what a real repository of manifests needs; `terrace.yaml` may change them in a `limits:` block.
public struct RepositoryLimits: Sendable, Hashable {
    /// The most files below the repository root (hidden folders are not counted).
    public var maximumFiles: Int
    /// The most bytes of all those files together.
    public var maximumRepositoryBytes: Int
    /// The most bytes of one manifest (a YAML file Terrace reads).
    public var maximumManifestBytes: Int
    /// The most YAML documents in all manifests together.
    public var maximumDocuments: Int
    /// The deepest nesting of YAML mappings and lists in a manifest.
    public var maximumDepth: Int
    /// The most alias uses (`*name`) in one manifest.
    public var maximumAliases: Int
    /// The most YAML nodes one manifest may hold once every alias is expanded.
    public var maximumNodes: Int

    /// Creates limits; each omitted value is the default.
    public init(
        maximumFiles: Int = 5_000, maximumRepositoryBytes: Int = 256 << 20, maximumManifestBytes: Int = 4 << 20,
        maximumDocuments: Int = 1_000, maximumDepth: Int = 64, maximumAliases: Int = 1_000, maximumNodes: Int = 200_000
    ) {
        self.maximumFiles = maximumFiles
        self.maximumRepositoryBytes = maximumRepositoryBytes
        self.maximumManifestBytes = maximumManifestBytes
        self.maximumDocuments = maximumDocuments
        self.maximumDepth = maximumDepth
        self.maximumAliases = maximumAliases
        self.maximumNodes = maximumNodes
    }

    /// The defaults.
    public static let defaults = RepositoryLimits()

    /// The keys of a `limits:` block in `terrace.yaml`, with how each is read and the largest value accepted.
    static var keys: [(key: String, path: WritableKeyPath<RepositoryLimits, Int>, ceiling: Int)] {
        [
            ("files", \.maximumFiles, 1_000_000),
            ("repository_bytes", \.maximumRepositoryBytes, 16 << 30),
            ("manifest_bytes", \.maximumManifestBytes, 1 << 30),
            ("documents", \.maximumDocuments, 1_000_000),
            ("depth", \.maximumDepth, 512),
            ("aliases", \.maximumAliases, 1_000_000),
            ("nodes", \.maximumNodes, 100_000_000),
        ]
    }

    /// `1234567` as `1,234,567`, for messages.
    static func format(_ number: Int) -> String {
        let digits = String(number)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0, character != "-" { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// A byte count for messages: `4 MiB`, `1.5 GiB`, `812 bytes`.
    static func formatBytes(_ bytes: Int) -> String {
        let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where bytes >= size {
            let whole = bytes / size
            let tenth = (bytes % size) * 10 / size
            return tenth == 0 ? "\(whole) \(name)" : "\(whole).\(tenth) \(name)"
        }
        return "\(bytes) bytes"
    }
}
