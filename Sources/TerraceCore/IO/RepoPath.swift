/// Pure string operations on `/`-separated paths: joining, normalizing and relativizing, with no file system access.
public enum RepoPath {
    /// Joins `base` and `relative`; an absolute `relative` replaces `base`. The result is normalized.
    public static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        if base.isEmpty { return normalize(relative) }
        return normalize(base + "/" + relative)
    }

    /// Removes `.` segments, resolves `..` against earlier segments and collapses repeated slashes.
    /// A `..` that would climb above the root of a relative path is kept, so escaping paths stay detectable.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(segment)
                }
            default: parts.append(segment)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The directory part of `path` (`/a/b/c.yaml` gives `/a/b`).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last segment of `path`.
    public static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `path` relative to `root` when it lies inside it, or nil when it does not.
    public static func relative(_ path: String, to root: String) -> String? {
        let path = normalize(path)
        let root = normalize(root)
        if path == root { return "." }
        let prefix = root == "/" ? "/" : root + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    /// Whether `path` is `root` or lies inside it.
    public static func isInside(_ path: String, root: String) -> Bool {
        relative(path, to: root) != nil
    }
}
