import ArgumentParser

/// The `terrace` command: builds and keeps building the infrastructures a git repository describes.
public struct Terrace: AsyncParsableCommand {
    /// The command's name, help text and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "terrace",
        abstract: "Build infrastructure from YAML manifests by running Terraform modules in dependency order.",
        discussion: """
            Exit codes: 0 success; 1 error (invalid repository, failed command); 2 `plan` found changes.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, OutputCommand.self,
            GraphCommand.self, ConsoleCommand.self, KubeconfigCommand.self, ServeCommand.self, SchemaCommand.self,
        ]
    )

    /// Creates the command (argument parsing fills it in).
    public init() {}
}

extension Terrace {
    /// Parses the command line, runs the chosen subcommand and exits with its code.
    ///
    /// (Calling `main()` from another module can resolve to the synchronous overload, which refuses
    /// asynchronous commands; this runs them explicitly.)
    public static func start(_ arguments: [String]? = nil) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
