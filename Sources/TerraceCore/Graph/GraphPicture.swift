/// A picture of a unit graph as SVG: layered left to right (a unit's column is its depth in
/// ``UnitGraph/levels()``; units on cycles go in a last column), one box per unit with its name, an edge with an
/// arrowhead from each unit to each unit that depends on it.
///
/// The SVG carries no style: each node has the classes `node` and `state-<state>` (`ready`, `reconciling`,
/// `failed`, `waiting`, `drifted`, `unknown`), edges `edge`, the arrowhead `arrowhead`; the page's stylesheet
/// colours them (a strict CSP forbids inline styles). Each node links to `#unit-<name>`. The output depends only
/// on the graph and the states.
public struct GraphPicture: Hashable, Sendable {
    /// One unit's box.
    public struct Node: Hashable, Sendable {
        /// The unit.
        public var unit: String
        /// Its column (0 = no dependencies).
        public var column: Int
        /// Left edge.
        public var x: Int
        /// Top edge.
        public var y: Int
        /// Width.
        public var width: Int
        /// Height.
        public var height: Int
        /// The state class (one of ``GraphPicture/states``).
        public var state: String
    }

    /// One dependency: `to` depends on `from`.
    public struct Edge: Hashable, Sendable {
        /// The dependency.
        public var from: String
        /// The dependent unit.
        public var to: String
    }

    /// The state classes a node can have; any other state given is drawn as `unknown`.
    public static let states: Set<String> = ["ready", "reconciling", "failed", "waiting", "unknown", "drifted"]

    /// The boxes, column by column, top to bottom.
    public let nodes: [Node]
    /// The edges, by dependent then dependency.
    public let edges: [Edge]
    /// The picture's width.
    public let width: Int
    /// The picture's height.
    public let height: Int

    static let margin = 12
    static let boxHeight = 34
    static let rowGap = 16
    static let columnGap = 56
    static let characterWidth = 7.4
    static let minimumBoxWidth = 80
    static let maximumLabel = 40

    /// Lays out `graph`, with each unit's state from `states` (missing: `unknown`).
    public init(_ graph: UnitGraph, states: [String: String]) {
        var columns = graph.levels()
        let placed = Set(columns.joined())
        let leftOver = graph.units.filter { !placed.contains($0) }
        if !leftOver.isEmpty { columns.append(leftOver) }

        // Order each column by the mean row of its dependencies in earlier columns (fewer crossings); ties keep
        // the order `levels()` gives (declaration order).
        var row: [String: Double] = [:]
        for index in columns.indices {
            if index > 0 {
                let original = Dictionary(columns[index].enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                func weight(_ unit: String) -> Double {
                    let rows = (graph.upstream[unit] ?? []).compactMap { row[$0] }
                    return rows.isEmpty ? Double(original[unit] ?? 0) : rows.reduce(0, +) / Double(rows.count)
                }
                columns[index].sort { left, right in
                    let (a, b) = (weight(left), weight(right))
                    return a != b ? a < b : (original[left] ?? 0) < (original[right] ?? 0)
                }
            }
            for (position, unit) in columns[index].enumerated() { row[unit] = Double(position) }
        }

        let tallest = columns.map(\.count).max() ?? 0
        let fullHeight = tallest * Self.boxHeight + max(0, tallest - 1) * Self.rowGap
        var nodes: [Node] = []
        var x = Self.margin
        for (index, column) in columns.enumerated() {
            let longest = column.map { min($0.count, Self.maximumLabel) }.max() ?? 0
            let width = max(Self.minimumBoxWidth, Int((Double(longest) * Self.characterWidth).rounded(.up)) + 24)
            let columnHeight = column.count * Self.boxHeight + max(0, column.count - 1) * Self.rowGap
            var y = Self.margin + (fullHeight - columnHeight) / 2
            for unit in column {
                let state = states[unit].flatMap { Self.states.contains($0) ? $0 : nil } ?? "unknown"
                nodes.append(Node(unit: unit, column: index, x: x, y: y, width: width, height: Self.boxHeight, state: state))
                y += Self.boxHeight + Self.rowGap
            }
            x += width + Self.columnGap
        }
        self.nodes = nodes
        self.edges = graph.units.flatMap { unit in (graph.upstream[unit] ?? []).map { Edge(from: $0, to: unit) } }
        self.width = columns.isEmpty ? 2 * Self.margin : x - Self.columnGap + Self.margin
        self.height = fullHeight + 2 * Self.margin
    }

    /// The picture as an SVG element, ready to put in an HTML page (every name XML-escaped).
    public var svg: String {
        let byUnit = Dictionary(nodes.map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        lines.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"Unit dependency graph\">")
        lines.append(
            "<defs><marker id=\"graph-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path class=\"arrowhead\" d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>")
        lines.append("<g class=\"edges\">")
        for edge in edges {
            guard let from = byUnit[edge.from], let to = byUnit[edge.to] else { continue }
            let (x1, y1) = (from.x + from.width, from.y + from.height / 2)
            let (x2, y2) = (to.x - 2, to.y + to.height / 2)
            let bend = max(20, (x2 - x1) / 2)
            lines.append(
                "<path class=\"edge\" d=\"M\(x1),\(y1) C\(x1 + bend),\(y1) \(x2 - bend),\(y2) \(x2),\(y2)\" marker-end=\"url(#graph-arrow)\"><title>\(Self.escape(edge.to)) depends on \(Self.escape(edge.from))</title></path>")
        }
        lines.append("</g>")
        lines.append("<g class=\"nodes\">")
        for node in nodes {
            let name = Self.escape(node.unit)
            let label = node.unit.count > Self.maximumLabel ? Self.escape(String(node.unit.prefix(Self.maximumLabel - 1)) + "…") : name
            lines.append(
                "<a href=\"#unit-\(name)\" class=\"node state-\(node.state)\"><title>\(name): \(node.state)</title><rect x=\"\(node.x)\" y=\"\(node.y)\" width=\"\(node.width)\" height=\"\(node.height)\" rx=\"6\"/><text x=\"\(node.x + node.width / 2)\" y=\"\(node.y + node.height / 2)\" text-anchor=\"middle\" dominant-baseline=\"central\">\(label)</text></a>")
        }
        lines.append("</g>")
        lines.append("</svg>")
        return lines.joined(separator: "\n")
    }

    /// `text` escaped for XML text and attribute values.
    public static func escape(_ text: String) -> String { Markup.escape(text) }
}
