import ArgumentParser
import Foundation
import TerraceCore

/// `terrace destroy`: destroys every unit of the selected infrastructures, in reverse dependency order.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Destroy the infrastructures: every recorded unit, dependents before their dependencies.",
        discussion: "The state bucket is kept (it holds the state history). Exit code 1 when a unit failed.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var infra: InfraSelection
    @OptionGroup var flags: RunFlags

    func run() async throws {
        let session = try await RunSession.open(repo: repo, infra: infra, flags: flags)
        do {
            try await StateBackends.with(localDirectory: repo.localStateFolder, infrastructures: session.selected) { backends in
                let records = try await backends.records(session.selected)
                let targets = session.selected.filter { !(records[$0.name]?.units.isEmpty ?? true) }
                guard !targets.isEmpty else {
                    if flags.json {
                        try JSONOutput.writeLine(["event": "completed", "operation": "destroy", "changes": false])
                    } else {
                        print("Nothing to destroy: no unit of \(session.selected.map(\.name).joined(separator: ", ")) is recorded.")
                    }
                    return
                }
                if !flags.json {
                    print("Will destroy every unit of: \(targets.map(\.name).joined(separator: ", ")).")
                }
                try session.confirm("Destroy these infrastructures?")
                try await session.run(targets, backends: backends, root: repo.root, prepare: false) { engine, infrastructure, options, events in
                    await engine.destroy(infrastructure, in: session.repository, options: options, events: events)
                }
            }
        } catch let failure as CommandFailure {
            Terminal.printError("error: \(failure.description)")
            throw ExitCode.failure
        }
    }
}
