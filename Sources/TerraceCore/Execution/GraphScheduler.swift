/// Runs work over a dependency graph: a node starts as soon as all its dependencies have succeeded,
/// at most `parallelism` at once. A failed node blocks everything that depends on it, directly or not;
/// independent nodes still run.
public enum GraphScheduler {
    /// How a node ended.
    public enum NodeState: Hashable, Sendable {
        case succeeded
        case failed
        /// Not run because a dependency failed (or was blocked).
        case blocked
    }

    /// Runs `work` for every node; `work` returns whether the node succeeded.
    /// - Parameters:
    ///   - nodes: the nodes, in the order ties are broken.
    ///   - dependencies: each node's dependencies (unknown names are ignored).
    public static func run(
        nodes: [String], dependencies: [String: [String]], parallelism: Int,
        work: @escaping @Sendable (String) async -> Bool
    ) async -> [String: NodeState] {
        let known = Set(nodes)
        let needs = Dictionary(uniqueKeysWithValues: nodes.map { ($0, (dependencies[$0] ?? []).filter { known.contains($0) }) })
        var states: [String: NodeState] = [:]
        var started = Set<String>()
        let limit = max(1, parallelism)

        return await withTaskGroup(of: (String, Bool).self) { group in
            var running = 0
            while true {
                // Block nodes whose dependencies cannot succeed any more.
                var changed = true
                while changed {
                    changed = false
                    for node in nodes where states[node] == nil && !started.contains(node) {
                        if needs[node, default: []].contains(where: { states[$0] == .failed || states[$0] == .blocked }) {
                            states[node] = .blocked
                            changed = true
                        }
                    }
                }
                let ready = nodes.filter { node in
                    !started.contains(node) && states[node] == nil
                        && needs[node, default: []].allSatisfy { states[$0] == .succeeded }
                }
                for node in ready.prefix(limit - running) {
                    started.insert(node)
                    running += 1
                    group.addTask { (node, await work(node)) }
                }
                guard running > 0, let (node, succeeded) = await group.next() else { break }
                running -= 1
                states[node] = succeeded ? .succeeded : .failed
            }
            // Nodes never reachable (on a cycle) count as blocked.
            for node in nodes where states[node] == nil { states[node] = .blocked }
            return states
        }
    }
}
