import ArgumentParser
import Foundation
import TerraceCore

/// `terrace plan`: what would change in each infrastructure: digests first, then `terraform plan` for the
/// units that would change.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what would be created, updated or destroyed, with a resource summary per changing unit.",
        discussion: """
            Units are compared by desired-state digest with the record of their last apply; `terraform plan` runs only \
            for units that would change and whose inputs are known. Records are read from each infrastructure's \
            state bucket, or from --state-dir. Exit code 0 when nothing would change, 2 when something would, 1 on error.
            """)

    @OptionGroup var repo: RepoOptions
    @OptionGroup var infra: InfraSelection

    @Flag(help: "Print the plan as JSON (format documented in docs/plan-json.md).")
    var json = false

    @Flag(name: .customLong("digests-only"), help: "Compare digests only; run no Terraform (fast, offline).")
    var digestsOnly = false

    @Option(help: "How many `terraform plan` run at once (default: terraform.parallelism of terrace.yaml).")
    var parallelism: Int?

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: json)
        try Workspace.checkSelection(infra.selection, in: repository)
        let selected = repository.infrastructures.filter { infra.selection?.contains($0.name) ?? true }
        do {
            try await StateBackends.with(localDirectory: repo.localStateFolder, infrastructures: selected) { backends in
                var missingBuckets: [String: String] = [:]
                var existing: [Infrastructure] = []
                for infrastructure in selected {
                    if await backends.bucketExists(infrastructure) {
                        existing.append(infrastructure)
                    } else {
                        missingBuckets[infrastructure.name] = "state bucket `\(infrastructure.backend.bucket)` does not exist yet; apply creates it"
                    }
                }
                let records = try await backends.loadRecords(existing)
                var plan: Plan
                switch Planner.plan(repository, records: records, selection: infra.selection) {
                case .failure(let failure):
                    try report(failure.diagnostics)
                    throw ExitCode.failure
                case .success(let computed): plan = computed
                }
                if !digestsOnly, plan.hasChanges {
                    let session = RunSession(repository: repository, selected: selected, flags: RunFlags(), terminal: Terminal(noColor: repo.noColor))
                    let executor = try await session.executor(root: repo.root)
                    plan = await Planner.addResourceSummaries(
                        to: plan, repository: repository, records: records, executor: executor, runID: RunOptions.newRunID(),
                        parallelism: parallelism ?? repository.project.terraform.parallelism, skip: missingBuckets)
                }
                if json {
                    try JSONOutput.write(encodable: plan)
                } else {
                    print(PlanPrinter(terminal: Terminal(noColor: repo.noColor)).render(plan), terminator: "")
                }
                if plan.hasChanges { throw ExitCode(2) }
            }
        } catch let failure as CommandFailure {
            Terminal.printError("error: \(failure.description)")
            throw ExitCode.failure
        }
    }

    private func report(_ diagnostics: [Diagnostic]) throws {
        if json {
            try JSONOutput.write(["formatVersion": 1, "valid": false, "errors": DiagnosticPrinter.json(diagnostics)])
        } else {
            let printer = DiagnosticPrinter(root: repo.root, terminal: Terminal(noColor: repo.noColor, forErrors: true))
            Terminal.printError(printer.render(diagnostics))
        }
    }
}
