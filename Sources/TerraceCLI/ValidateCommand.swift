import ArgumentParser
import TerraceCore

/// `terrace validate`: reports every problem in the repository, with locations and hints.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every manifest and module of the repository, reporting all problems in one run.")

    @OptionGroup var repo: RepoOptions

    @Flag(help: "Print the result as JSON (`valid`, `errors`, `infrastructures`).")
    var json = false

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: json)
        let units = repository.infrastructures.reduce(0) { $0 + $1.units.count }
        if json {
            try JSONOutput.write([
                "formatVersion": 1, "valid": true, "errors": [[String: Any]](),
                "infrastructures": repository.infrastructures.map { ["name": $0.name, "file": $0.file, "units": $0.units.count] },
            ] as [String: Any])
        } else {
            let terminal = Terminal(noColor: repo.noColor)
            print(
                terminal.paint("✓", .green) + " valid: \(repository.infrastructures.count) infrastructure"
                    + "\(repository.infrastructures.count == 1 ? "" : "s"), \(units) unit\(units == 1 ? "" : "s"), "
                    + "\(repository.modules.count) module\(repository.modules.count == 1 ? "" : "s")")
        }
    }
}
