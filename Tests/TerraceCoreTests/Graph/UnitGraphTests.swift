import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("Unit graph")
struct UnitGraphTests {
    static func graph(_ edges: [String: [String]], order: [String]) -> UnitGraph {
        UnitGraph(units: order, upstream: edges)
    }

    @Test("topological order puts every unit after its dependencies, declaration order breaking ties")
    func order() {
        let graph = Self.graph(
            ["network": ["backend"], "domain": ["backend"], "kubernetes": ["network", "backend"], "addons": ["kubernetes", "domain"], "app": ["network"]],
            order: ["backend", "network", "domain", "kubernetes", "addons", "app"])
        #expect(graph.levels() == [["backend"], ["network", "domain"], ["kubernetes", "app"], ["addons"]])
        #expect(graph.topologicalOrder() == ["backend", "network", "domain", "kubernetes", "app", "addons"])
        #expect(graph.downstream["network"] == ["app", "kubernetes"])
        #expect(graph.allUpstream(of: "addons") == ["kubernetes", "domain", "network", "backend"])
        #expect(graph.cycles().isEmpty)
    }

    @Test("unknown names and self-edges are ignored")
    func cleaning() {
        let graph = Self.graph(["a": ["a", "ghost", "b"]], order: ["a", "b"])
        #expect(graph.upstream["a"] == ["b"])
    }

    @Test("each cycle is reported once, starting at its earliest-declared unit")
    func cycles() {
        let graph = Self.graph(
            ["a": ["b"], "b": ["c"], "c": ["a"], "d": ["d2"], "d2": ["d"], "e": ["a"]],
            order: ["e", "a", "b", "c", "d", "d2"])
        #expect(graph.cycles() == [["a", "b", "c"], ["d", "d2"]])
        #expect(graph.topologicalOrder().isEmpty, "units on or behind a cycle cannot be ordered")
    }

    @Test("a cycle in a manifest is an error naming the path, at the first unit")
    func cycleDiagnostic() async throws {
        let result = await TestRepo(
            Fixtures.appModule.merging(
                [
                    "infra/dev.yaml": MalformedCase.header + """
                    units:
                      - name: one
                        module: ../modules/app
                        inputs: {name: "${two.bucket}", vpc_id: v}
                      - name: two
                        module: ../modules/app
                        inputs: {name: "${three.bucket}", vpc_id: v}
                      - name: three
                        module: ../modules/app
                        dependsOn: [one]
                        inputs: {name: x, vpc_id: v}
                    """
                ], uniquingKeysWith: { _, last in last })
        ).load()
        #expect(result.repository == nil)
        #expect(result.diagnostics.map(\.description) == [
            "infra/dev.yaml:6:11: error: dependency cycle: one -> two -> three -> one (hint: remove one of the output references or `dependsOn` entries along the cycle)"
        ])
    }

    @Test("a long chain is ordered without recursion limits")
    func longChain() {
        let names = (0..<5_000).map { "u\($0)" }
        var edges: [String: [String]] = [:]
        for index in 1..<names.count { edges[names[index]] = [names[index - 1]] }
        let graph = Self.graph(edges, order: names.reversed())
        #expect(graph.topologicalOrder() == names)
        edges["u0"] = ["u4999"]
        #expect(Self.graph(edges, order: names).cycles().first?.count == 5_000)
    }
}
