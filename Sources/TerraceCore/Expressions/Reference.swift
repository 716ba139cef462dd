/// A reference inside an expression, such as `network.vpc_id` or `network.subnets[0]`.
public struct Reference: Hashable, Sendable, CustomStringConvertible {
    /// The dotted segments, e.g. `["network", "vpc_id"]`.
    public var path: [String]
    /// The index suffixes after the path, in order: `[0]` or `["key"]`; `.name` after an index is kept as `["name"]`.
    ///
    /// A resolver resolves `path` only; the evaluator applies the indices to the resolved value.
    public var indices: [Expression]
    /// Where the reference's first character sits.
    public var location: SourceLocation
    /// The reference as written in the source, including any index suffixes.
    public var text: String

    /// Creates a reference; `text` defaults to the path joined with dots.
    public init(path: [String], indices: [Expression] = [], location: SourceLocation, text: String? = nil) {
        self.path = path
        self.indices = indices
        self.location = location
        self.text = text ?? path.joined(separator: ".")
    }

    /// The dotted path without index suffixes, e.g. `network.vpc_id`.
    public var pathText: String { path.joined(separator: ".") }

    /// Where the path segment at `index` starts, when the reference is written without spaces around its dots;
    /// otherwise where the reference starts.
    public func location(ofSegment index: Int) -> SourceLocation {
        guard index > 0, index < path.count, text.hasPrefix(pathText) else { return location }
        var offset = 0
        for segment in path.prefix(index) { offset += segment.unicodeScalars.count + 1 }
        return location.advanced(by: offset)
    }

    /// The reference as written.
    public var description: String { text }
}
