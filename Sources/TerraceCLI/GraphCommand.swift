import ArgumentParser
import TerraceCore

/// `terrace graph`: the unit dependency graph as Graphviz dot or Mermaid.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the units' dependency graph (an edge points from a unit to what it depends on).")

    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot
        case mermaid
    }

    @OptionGroup var repo: RepoOptions
    @OptionGroup var infra: InfraSelection

    @Option(help: "The output format: dot (Graphviz) or mermaid.")
    var format: Format = .dot

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: false)
        try Workspace.checkSelection(infra.selection, in: repository)
        let selected = repository.infrastructures.filter { infra.selection?.contains($0.name) ?? true }
        let graphs = selected.map { ($0.name, repository.graphs[$0.name] ?? UnitGraph.build($0).0) }
        switch format {
        case .dot: print(GraphRenderer.dot(graphs), terminator: "")
        case .mermaid: print(GraphRenderer.mermaid(graphs), terminator: "")
        }
    }
}
