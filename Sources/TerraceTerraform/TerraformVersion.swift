/// A Terraform or OpenTofu release number, `major.minor.patch`, with any pre-release suffix ignored.
public struct TerraformVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The oldest release Terrace runs with: S3 state locking without DynamoDB and `-lock-timeout` as used here.
    public static let minimum = TerraformVersion(major: 1, minor: 5, patch: 0)

    /// The major release.
    public var major: Int
    /// The minor release.
    public var minor: Int
    /// The patch release.
    public var patch: Int

    /// Creates a version.
    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `1.11.4`, `v1.6.0-beta1` or `1.5`; nil when it does not start with a number.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("v") { text = text.dropFirst() }
        let core = text.prefix { $0.isNumber || $0 == "." }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard let first = parts.first, let major = first, parts.count <= 3, !parts.contains(nil) else { return nil }
        self.init(major: major, minor: parts.count > 1 ? parts[1] ?? 0 : 0, patch: parts.count > 2 ? parts[2] ?? 0 : 0)
    }

    /// `1.11.4`.
    public var description: String { "\(major).\(minor).\(patch)" }

    /// Whether `lhs` is an older release than `rhs`.
    public static func < (lhs: TerraformVersion, rhs: TerraformVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
