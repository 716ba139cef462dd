/// A kind of Kubernetes object: API group, version and kind (`apps`, `v1`, `Deployment`). The core group is empty.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    /// The API group; empty for the core group.
    public var group: String
    /// The version, `v1`.
    public var version: String
    /// The kind, `Deployment`.
    public var kind: String

    /// Creates a group, version and kind.
    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// Splits an `apiVersion` (`apps/v1`, or `v1` for the core group).
    public init(apiVersion: String, kind: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            self.init(
                group: String(apiVersion[..<slash]), version: String(apiVersion[apiVersion.index(after: slash)...]),
                kind: kind)
        } else {
            self.init(group: "", version: apiVersion, kind: kind)
        }
    }

    /// `apps/v1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : group + "/" + version }

    /// `apps/v1 Deployment`.
    public var description: String { apiVersion + " " + kind }
}
