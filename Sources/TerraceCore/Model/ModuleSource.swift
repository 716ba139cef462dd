/// Where a unit's Terraform module comes from.
public enum ModuleSource: Hashable, Sendable, CustomStringConvertible {
    /// A module Terrace ships, by its path below the bundled modules folder (`aws/network`).
    case builtin(String)
    /// A folder of the repository, as an absolute path after resolution against the manifest.
    case local(String)
    /// A git repository: `git::URL//SUBDIR?ref=REF`.
    case git(GitModuleSource)
    /// Work Terrace does in a cluster itself (no Terraform): the `argocd` unit or an app.
    case kubernetes(KubernetesUnitKind)

    public var description: String {
        switch self {
        case .builtin(let path): "builtin:\(path)"
        case .local(let path): path
        case .git(let source): source.description
        case .kubernetes(let kind): "kubernetes:\(kind.rawValue)"
        }
    }
}

/// A module in a git repository, fetched with the git CLI into a cache.
public struct GitModuleSource: Hashable, Sendable, CustomStringConvertible {
    /// The repository URL (https, ssh, file or git scheme).
    public var url: String
    /// The folder inside the repository holding the module; empty for the root.
    public var subdirectory: String
    /// A tag, branch or commit; nil for the default branch.
    public var ref: String?

    /// Creates a git source.
    public init(url: String, subdirectory: String = "", ref: String? = nil) {
        self.url = url
        self.subdirectory = subdirectory
        self.ref = ref
    }

    /// Parses `git::URL//SUBDIR?ref=REF` (the `git::` prefix is required), or returns a message saying what is wrong.
    public static func parse(_ text: String) -> Result<GitModuleSource, GitSourceError> {
        guard text.hasPrefix("git::") else { return .failure(GitSourceError(message: "git sources start with `git::`")) }
        var rest = String(text.dropFirst("git::".count))
        var ref: String?
        if let question = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: question)...]
            rest = String(rest[..<question])
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0] == "ref" else {
                    return .failure(GitSourceError(message: "unsupported query `\(pair)` in git source; only `ref=` is understood"))
                }
                ref = String(parts[1])
            }
            if ref?.isEmpty ?? true {
                return .failure(GitSourceError(message: "empty `ref=` in git source"))
            }
        }
        let schemes = ["https://", "http://", "ssh://", "file://", "git://"]
        guard let scheme = schemes.first(where: { rest.hasPrefix($0) }) else {
            return .failure(GitSourceError(message: "git source URL must use https://, ssh://, file:// or git://"))
        }
        let afterScheme = rest.dropFirst(scheme.count)
        var url = rest
        var subdirectory = ""
        if let range = afterScheme.range(of: "//") {
            url = scheme + String(afterScheme[..<range.lowerBound])
            subdirectory = RepoPath.normalize(String(afterScheme[range.upperBound...]))
            if subdirectory == "." { subdirectory = "" }
            if subdirectory.hasPrefix("..") {
                return .failure(GitSourceError(message: "git source subdirectory `\(subdirectory)` leaves the repository"))
            }
        }
        let host = url.dropFirst(scheme.count)
        if host.isEmpty || (scheme != "file://" && host.hasPrefix("/")) {
            return .failure(GitSourceError(message: "git source URL has no host"))
        }
        return .success(GitModuleSource(url: url, subdirectory: subdirectory, ref: ref))
    }

    public var description: String {
        var text = "git::\(url)"
        if !subdirectory.isEmpty { text += "//\(subdirectory)" }
        if let ref { text += "?ref=\(ref)" }
        return text
    }
}

/// Why a git module source could not be parsed.
public struct GitSourceError: Error, Hashable, Sendable {
    /// A one-line message safe to show.
    public var message: String
}
