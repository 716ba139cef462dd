import Testing
import TerraceCore

/// The server-drawn SVG of a unit graph: layered left to right, coloured by class, escaped, deterministic.
@Suite struct GraphPictureTests {
    /// network <- cluster <- app, network <- db <- app; `tools` alone.
    static let graph = UnitGraph(
        units: ["network", "cluster", "db", "app", "tools"],
        upstream: ["cluster": ["network"], "db": ["network"], "app": ["cluster", "db"]])

    static func node(_ picture: GraphPicture, _ unit: String) throws -> GraphPicture.Node {
        try #require(picture.nodes.first { $0.unit == unit })
    }

    @Test func unitsAreLayeredLeftToRightByDepth() throws {
        let picture = GraphPicture(Self.graph, states: [:])
        #expect(picture.nodes.count == 5)
        let network = try Self.node(picture, "network")
        let cluster = try Self.node(picture, "cluster")
        let db = try Self.node(picture, "db")
        let app = try Self.node(picture, "app")
        let tools = try Self.node(picture, "tools")
        #expect([network.column, tools.column, cluster.column, db.column, app.column] == [0, 0, 1, 1, 2])
        #expect(network.x == tools.x)
        #expect(network.x + network.width < cluster.x)
        #expect(cluster.x == db.x)
        #expect(db.x + db.width < app.x)
        // Boxes of a column do not overlap, and everything is inside the picture.
        #expect(cluster.y + cluster.height <= db.y || db.y + db.height <= cluster.y)
        for node in picture.nodes {
            #expect(node.x >= 0 && node.y >= 0)
            #expect(node.x + node.width <= picture.width)
            #expect(node.y + node.height <= picture.height)
        }
        #expect(Set(picture.edges.map { "\($0.from)->\($0.to)" }) == ["network->cluster", "network->db", "cluster->app", "db->app"])
    }

    @Test func everyEdgeIsAPathWithAnArrowheadAndEveryNodeLinksToItsRow() {
        let svg = GraphPicture(Self.graph, states: [:]).svg
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "<path class=\"edge\"").count - 1 == 4)
        #expect(svg.components(separatedBy: "marker-end=\"url(#graph-arrow)\"").count - 1 == 4)
        #expect(svg.contains("<marker id=\"graph-arrow\""))
        for unit in Self.graph.units {
            #expect(svg.contains("<a href=\"#unit-\(unit)\" class=\"node state-unknown\">"))
            #expect(svg.contains(">\(unit)</text>"))
        }
        #expect(svg.contains("<title>app depends on cluster</title>"))
    }

    @Test func nodesGetTheirStateClassAndNeverAnInlineStyle() {
        let states = ["network": "ready", "cluster": "reconciling", "db": "failed", "app": "waiting", "tools": "drifted"]
        let svg = GraphPicture(Self.graph, states: states).svg
        for (unit, state) in states { #expect(svg.contains("<a href=\"#unit-\(unit)\" class=\"node state-\(state)\">")) }
        #expect(!svg.contains("style"))
        #expect(!svg.contains("fill=\""))
        // A state outside the known classes cannot inject anything into the class attribute.
        let odd = GraphPicture(Self.graph, states: ["network": "ready\" onclick=\"x"]).svg
        #expect(odd.contains("<a href=\"#unit-network\" class=\"node state-unknown\">"))
        #expect(!odd.contains("onclick"))
    }

    @Test func unitNamesAreEscaped() {
        let name = "<script>alert('x')</script>&\""
        let graph = UnitGraph(units: [name, "b"], upstream: ["b": [name]])
        let svg = GraphPicture(graph, states: [name: "ready"]).svg
        #expect(!svg.contains("<script>"))
        #expect(!svg.contains("alert('x')"))
        #expect(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
        #expect(svg.contains("href=\"#unit-&lt;script&gt;"))
    }

    @Test func theSameGraphAlwaysGivesTheSameSVG() {
        let states = ["network": "ready", "app": "failed"]
        let first = GraphPicture(Self.graph, states: states)
        for _ in 0..<5 { #expect(GraphPicture(Self.graph, states: states) == first) }
        #expect(GraphPicture(Self.graph, states: states).svg == first.svg)
        // The same graph built from dictionaries in another order.
        let again = UnitGraph(
            units: ["network", "cluster", "db", "app", "tools"],
            upstream: ["app": ["db", "cluster"], "db": ["network"], "cluster": ["network"]])
        #expect(GraphPicture(again, states: states).svg == first.svg)
    }

    @Test func unitsOnACycleAreStillDrawnInALastColumn() throws {
        let graph = UnitGraph(units: ["base", "a", "b"], upstream: ["a": ["b", "base"], "b": ["a"]])
        let picture = GraphPicture(graph, states: [:])
        #expect(picture.nodes.map(\.unit).sorted() == ["a", "b", "base"])
        #expect(try Self.node(picture, "base").column == 0)
        #expect(try Self.node(picture, "a").column == 1)
        #expect(try Self.node(picture, "b").column == 1)
        #expect(picture.edges.count == 3)
    }

    @Test func longNamesWidenTheirColumnAndLongestAreShortened() throws {
        let long = String(repeating: "x", count: 60)
        let picture = GraphPicture(UnitGraph(units: ["a", long], upstream: [long: ["a"]]), states: [:])
        let short = try Self.node(picture, "a")
        let wide = try Self.node(picture, long)
        #expect(wide.width > short.width)
        #expect(picture.svg.contains(String(repeating: "x", count: 39) + "…</text>"))
        #expect(picture.svg.contains("<title>\(long): unknown</title>"))
    }

    @Test func anEmptyGraphIsAnEmptyPicture() {
        let picture = GraphPicture(UnitGraph(units: [], upstream: [:]), states: [:])
        #expect(picture.nodes.isEmpty)
        #expect(picture.svg.contains("<g class=\"nodes\">\n</g>"))
    }
}
