/// The dependency graph of one infrastructure's units: an edge for every `dependsOn` and every output reference.
public struct UnitGraph: Hashable, Sendable {
    /// The units in declaration order.
    public let units: [String]
    /// Each unit's direct dependencies (the units it waits for), sorted.
    public let upstream: [String: [String]]
    /// Each unit's direct dependents, sorted.
    public let downstream: [String: [String]]

    /// Creates a graph from each unit's dependencies; unknown names are ignored.
    public init(units: [String], upstream: [String: [String]]) {
        let known = Set(units)
        var cleaned: [String: [String]] = [:]
        var downstream: [String: [String]] = [:]
        for unit in units {
            let dependencies = Array(Set((upstream[unit] ?? []).filter { known.contains($0) && $0 != unit })).sorted()
            cleaned[unit] = dependencies
            for dependency in dependencies { downstream[dependency, default: []].append(unit) }
            if downstream[unit] == nil { downstream[unit] = [] }
        }
        self.units = units
        self.upstream = cleaned
        self.downstream = downstream.mapValues { $0.sorted() }
    }

    /// Builds the graph of `infrastructure`, and a diagnostic for every dependency cycle (`a -> b -> a`).
    public static func build(_ infrastructure: Infrastructure) -> (UnitGraph, [Diagnostic]) {
        let names = Set(infrastructure.units.map(\.name))
        var upstream: [String: [String]] = [:]
        for unit in infrastructure.units {
            upstream[unit.name] = unit.upstreamNames(amongUnits: names)
        }
        let graph = UnitGraph(units: infrastructure.units.map(\.name), upstream: upstream)
        let locations = Dictionary(infrastructure.units.map { ($0.name, $0.location) }, uniquingKeysWith: { first, _ in first })
        let diagnostics = graph.cycles().map { cycle -> Diagnostic in
            let first = cycle.first ?? ""
            let shown = (cycle + [first]).joined(separator: " -> ")
            return .error(
                locations[first] ?? infrastructure.location, "dependency cycle: \(shown)",
                hint: "remove one of the output references or `dependsOn` entries along the cycle")
        }
        return (graph, diagnostics)
    }

    /// Every elementary cycle found by depth-first search, each once, starting at its earliest-declared unit;
    /// each cycle lists units in dependency order (`a` depends on `b`, … depends on `a`).
    public func cycles() -> [[String]] {
        let position = Dictionary(units.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var state: [String: Int] = [:]  // 1 = on the stack, 2 = done
        var stack: [String] = []
        var found: [[String]] = []
        var seen = Set<[String]>()

        func visit(_ start: String) {
            // Iterative DFS: each frame is a unit and the index of its next dependency.
            var frames: [(String, Int)] = [(start, 0)]
            state[start] = 1
            stack.append(start)
            while let (unit, index) = frames.last {
                let dependencies = upstream[unit] ?? []
                if index < dependencies.count {
                    frames[frames.count - 1].1 += 1
                    let next = dependencies[index]
                    switch state[next] {
                    case nil:
                        state[next] = 1
                        stack.append(next)
                        frames.append((next, 0))
                    case 1:
                        if let from = stack.lastIndex(of: next) {
                            var cycle = Array(stack[from...])
                            if let minimum = cycle.indices.min(by: { (position[cycle[$0]] ?? 0) < (position[cycle[$1]] ?? 0) }) {
                                cycle = Array(cycle[minimum...] + cycle[..<minimum])
                            }
                            if seen.insert(cycle).inserted { found.append(cycle) }
                        }
                    default: break
                    }
                } else {
                    state[unit] = 2
                    stack.removeLast()
                    frames.removeLast()
                }
            }
        }
        for unit in units where state[unit] == nil { visit(unit) }
        return found
    }

    /// The units in an order where each comes after all its dependencies (declaration order breaks ties).
    /// Units on cycles are left out.
    public func topologicalOrder() -> [String] {
        levels().flatMap { $0 }
    }

    /// The units grouped by depth: level 0 has no dependencies, level n depends only on earlier levels.
    /// Units on cycles are left out.
    public func levels() -> [[String]] {
        var remaining = Dictionary(units.map { ($0, upstream[$0]?.count ?? 0) }, uniquingKeysWith: { first, _ in first })
        var current = units.filter { remaining[$0] == 0 }
        var result: [[String]] = []
        let position = Dictionary(units.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        while !current.isEmpty {
            result.append(current)
            var next: [String] = []
            for unit in current {
                for dependent in downstream[unit] ?? [] {
                    guard let count = remaining[dependent] else { continue }
                    remaining[dependent] = count - 1
                    if count - 1 == 0 { next.append(dependent) }
                }
            }
            current = next.sorted { (position[$0] ?? 0) < (position[$1] ?? 0) }
        }
        return result
    }

    /// All units that `unit` depends on, directly or not.
    public func allUpstream(of unit: String) -> Set<String> {
        var result = Set<String>()
        var pending = upstream[unit] ?? []
        while let next = pending.popLast() {
            if result.insert(next).inserted { pending += upstream[next] ?? [] }
        }
        return result
    }
}
