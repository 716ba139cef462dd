import ArgumentParser
import Foundation
import TerraceCore
import TerraceLocal

/// `terrace plan`: what would change in each infrastructure, computed offline from digests.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what would be created, updated or destroyed, without touching any cloud.",
        discussion: "Exit code 0 when nothing would change, 2 when something would, 1 on error.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var infra: InfraSelection

    @Flag(help: "Print the plan as JSON (format documented in docs/plan-json.md).")
    var json = false

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: json)
        try Workspace.checkSelection(infra.selection, in: repository)
        let store = LocalDirectoryStateStore(directory: repo.stateFolder)
        let selected = repository.infrastructures.filter { infra.selection?.contains($0.name) ?? true }
        var records: [String: InfrastructureRecord] = [:]
        do {
            for infrastructure in selected {
                records[infrastructure.name] = try await store.load(infrastructure: infrastructure.name)
            }
        } catch {
            Terminal.printError("error: \(error.message)")
            throw ExitCode.failure
        }
        switch Planner.plan(repository, records: records, selection: infra.selection) {
        case .failure(let failure):
            let diagnostics = failure.diagnostics
            if json {
                try JSONOutput.write(["formatVersion": 1, "valid": false, "errors": DiagnosticPrinter.json(diagnostics)])
            } else {
                let printer = DiagnosticPrinter(root: repo.root, terminal: Terminal(noColor: repo.noColor, forErrors: true))
                Terminal.printError(printer.render(diagnostics))
            }
            throw ExitCode.failure
        case .success(let plan):
            if json {
                try JSONOutput.write(encodable: plan)
            } else {
                print(PlanPrinter(terminal: Terminal(noColor: repo.noColor)).render(plan), terminator: "")
            }
            if plan.hasChanges { throw ExitCode(2) }
        }
    }
}
