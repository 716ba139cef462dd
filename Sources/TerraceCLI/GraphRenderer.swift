import TerraceCore

/// Renders unit graphs as Graphviz dot or Mermaid text, one cluster/subgraph per infrastructure.
enum GraphRenderer {
    static func dot(_ graphs: [(String, UnitGraph)]) -> String {
        var lines = ["digraph terrace {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for (infrastructure, graph) in graphs {
            lines.append("  subgraph \"cluster_\(infrastructure)\" {")
            lines.append("    label=\"\(infrastructure)\";")
            for unit in graph.units { lines.append("    \"\(infrastructure)/\(unit)\" [label=\"\(unit)\"];") }
            for unit in graph.units {
                for dependency in graph.upstream[unit] ?? [] {
                    lines.append("    \"\(infrastructure)/\(unit)\" -> \"\(infrastructure)/\(dependency)\";")
                }
            }
            lines.append("  }")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func mermaid(_ graphs: [(String, UnitGraph)]) -> String {
        var lines = ["graph LR"]
        for (infrastructure, graph) in graphs {
            let prefix = identifier(infrastructure)
            lines.append("  subgraph \(prefix)[\"\(infrastructure)\"]")
            for unit in graph.units { lines.append("    \(prefix)__\(identifier(unit))[\"\(unit)\"]") }
            for unit in graph.units {
                for dependency in graph.upstream[unit] ?? [] {
                    lines.append("    \(prefix)__\(identifier(unit)) --> \(prefix)__\(identifier(dependency))")
                }
            }
            lines.append("  end")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Mermaid-safe identifier (letters, digits and `_`).
    private static func identifier(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
