import ArgumentParser
import Foundation
import TerraceCore

/// `terrace apply`: applies what changed, units in dependency order and in parallel.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the infrastructures: run Terraform for every unit whose desired state changed.",
        discussion: """
            Units run as soon as their dependencies succeeded, up to --parallelism at once. Unchanged units run no \
            Terraform. A failed unit stops its dependents; independent units finish. Exit code 1 when a unit failed.
            """)

    @OptionGroup var repo: RepoOptions
    @OptionGroup var infra: InfraSelection
    @OptionGroup var flags: RunFlags

    func run() async throws {
        let session = try await RunSession.open(repo: repo, infra: infra, flags: flags)
        do {
            try await StateBackends.with(localDirectory: repo.localStateFolder, infrastructures: session.selected) { backends in
                let records = try await backends.records(session.selected)
                let plan: Plan
                switch Planner.plan(session.repository, records: records, selection: Set(session.selected.map(\.name))) {
                case .success(let computed): plan = computed
                case .failure(let failure):
                    Terminal.printError(DiagnosticPrinter(root: repo.root, terminal: session.terminal).render(failure.diagnostics))
                    throw ExitCode.failure
                }
                let changed = session.selected.filter { infrastructure in
                    plan.infrastructures.first { $0.name == infrastructure.name }?.hasChanges ?? false
                }
                guard !changed.isEmpty else {
                    if flags.json {
                        try JSONOutput.writeLine(["event": "completed", "operation": "apply", "changes": false, "unchanged": plan.summary.unchanged])
                    } else {
                        print(session.terminal.paint("No changes.", .green) + " \(plan.summary.unchanged) units unchanged; no Terraform ran.")
                    }
                    return
                }
                if !flags.json { print(PlanPrinter(terminal: session.terminal).render(plan), terminator: "") }
                try session.confirm("Apply these changes?")
                try await session.run(changed, backends: backends, root: repo.root, prepare: true) { engine, infrastructure, options, events in
                    await engine.apply(infrastructure, in: session.repository, options: options, events: events)
                }
            }
        } catch let failure as CommandFailure {
            Terminal.printError("error: \(failure.description)")
            throw ExitCode.failure
        }
    }
}
