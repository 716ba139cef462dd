/// A reference inside an expression to something outside it: `infra.vars.nodes`, `project.name`,
/// `network.vpc_id`. The path holds the root name and the attribute names that follow it directly; index steps and
/// anything after them are separate expression nodes applied to the resolved value.
public struct Reference: Hashable, Sendable, CustomStringConvertible {
    /// The dotted segments, e.g. `["network", "vpc_id"]`.
    public var path: [String]
    /// Where the reference's first character sits.
    public var location: SourceLocation
    /// Where each segment of `path` starts.
    public var segmentLocations: [SourceLocation]

    /// Creates a reference; without segment locations, every segment is placed at `location`.
    public init(path: [String], location: SourceLocation, segmentLocations: [SourceLocation]? = nil) {
        self.path = path
        self.location = location
        self.segmentLocations = segmentLocations ?? Array(repeating: location, count: path.count)
    }

    /// The dotted path, e.g. `network.vpc_id`.
    public var text: String { path.joined(separator: ".") }

    /// The dotted path (the same as `text`).
    public var pathText: String { text }

    /// Where the path segment at `index` starts.
    public func location(ofSegment index: Int) -> SourceLocation {
        segmentLocations.indices.contains(index) ? segmentLocations[index] : location
    }

    /// The reference as written.
    public var description: String { text }
}
