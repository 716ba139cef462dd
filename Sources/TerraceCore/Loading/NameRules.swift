/// The syntax rules for names Terrace puts into cloud resources, state keys and references.
public enum NameRules {
    /// Names that cannot be used for custom units: the built-in sections and the reference roots.
    public static let reservedUnitNames: Set<String> = Set(BuiltinSection.allCases.map(\.rawValue)).union(["infra", "project"])

    /// Checks an infrastructure or unit name: lowercase letters, digits and `-`, starting with a letter, at most 63.
    public static func checkName(_ name: String) -> String? {
        guard !name.isEmpty else { return "must not be empty" }
        guard name.utf8.count <= 63 else { return "is longer than 63 characters" }
        guard let first = name.utf8.first, isLower(first) else { return "must start with a lowercase letter" }
        guard name.utf8.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return "may only contain lowercase letters, digits and `-`"
        }
        guard !name.hasSuffix("-") else { return "must not end with `-`" }
        return nil
    }

    /// Checks a variable name: letters, digits and `_`, not starting with a digit.
    public static func checkIdentifier(_ name: String) -> String? {
        guard let first = name.utf8.first else { return "must not be empty" }
        guard !isDigit(first) else { return "must not start with a digit" }
        guard name.utf8.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) || $0 == UInt8(ascii: "_") }) else {
            return "may only contain letters, digits and `_`"
        }
        return nil
    }

    /// Checks an S3 bucket name by AWS's rules.
    public static func checkBucketName(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return "must be 3 to 63 characters long" }
        guard bytes.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else { return "may only contain lowercase letters, digits, `-` and `.`" }
        guard let first = bytes.first, let last = bytes.last,
            isLower(first) || isDigit(first), isLower(last) || isDigit(last)
        else { return "must start and end with a lowercase letter or digit" }
        if name.contains("..") { return "must not contain `..`" }
        if IPv4CIDR.parse(name + "/32").isSuccess { return "must not look like an IP address" }
        return nil
    }

    /// Checks a DNS domain name such as `dev.example.com`.
    public static func checkDomainName(_ name: String) -> String? {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253 else { return "must be 1 to 253 characters long" }
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "must have at least two labels, like `example.com`" }
        for label in labels {
            let bytes = Array(label.utf8)
            guard (1...63).contains(bytes.count) else { return "has an empty or over-long label" }
            guard bytes.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) else {
                return "label `\(label)` may only contain lowercase letters, digits and `-`"
            }
            if bytes.first == UInt8(ascii: "-") || bytes.last == UInt8(ascii: "-") {
                return "label `\(label)` must not start or end with `-`"
            }
        }
        return nil
    }

    /// Checks an AWS region name such as `eu-west-1`.
    public static func checkRegion(_ region: String) -> String? {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.utf8.allSatisfy(isDigit),
            parts.dropLast().allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isLower) })
        else { return "is not an AWS region name like `eu-west-1`" }
        return nil
    }

    /// Checks an endpoint URL: `http://` or `https://` with a host.
    public static func checkEndpoint(_ url: String) -> String? {
        for scheme in ["http://", "https://"] where url.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            if rest.isEmpty || rest.hasPrefix("/") { return "has no host" }
            if rest.contains(where: { $0 == " " }) { return "must not contain spaces" }
            return nil
        }
        return "must start with `http://` or `https://`"
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension Result {
    /// Whether the result is a success.
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
