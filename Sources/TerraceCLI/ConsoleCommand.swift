import ArgumentParser
import Foundation
import TerraceCore

/// `terrace console INFRA`: evaluates expressions against an infrastructure's variables and recorded outputs, as
/// `terraform console` does for a module. It is how templates are debugged.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Evaluate expressions with an infrastructure's vars and its units' recorded outputs.",
        discussion: """
            Reads one expression per line (as written inside `${...}`, without the `${ }`) and prints its value.
            Units that were never applied have outputs shown as `(known after apply)`; sensitive outputs are never
            shown. With -e, evaluates one expression and exits: 0 when it succeeded, 1 when it failed.
            """)

    @Argument(help: "The infrastructure whose vars and outputs the expressions see.")
    var infrastructure: String

    @OptionGroup var repo: RepoOptions

    @Option(name: [.customShort("e"), .customLong("expression")], help: "Evaluate this expression, print its value and exit.")
    var expression: String?

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: false)
        try Workspace.checkSelection([infrastructure], in: repository)
        guard let selected = repository.infrastructures.first(where: { $0.name == infrastructure }) else {
            throw ExitCode.failure
        }
        let record: InfrastructureRecord?
        do {
            record = try await StateBackends.record(of: selected, localDirectory: repo.localStateFolder)
        } catch {
            Terminal.printError(
                "warning: cannot read the recorded outputs of `\(selected.name)` (\(error)); every unit output is unknown")
            record = nil
        }
        let console = ExpressionConsole(project: repository.project, infrastructure: selected, record: record)
        let terminal = Terminal(noColor: repo.noColor, forErrors: true)
        if let expression {
            guard Self.show(console.evaluate(expression), input: expression, firstLine: 1, terminal: terminal) else {
                throw ExitCode.failure
            }
            return
        }
        let interactive = isatty(STDIN_FILENO) == 1
        var lineNumber = 0
        var failed = false
        while true {
            if interactive {
                FileHandle.standardOutput.write(Data("> ".utf8))
            }
            guard let line = readLine(strippingNewline: true) else { break }
            lineNumber += 1
            if interactive, line.trimmingCharacters(in: .whitespaces) == "exit" { break }
            let outcome = console.evaluate(line, lineNumber: lineNumber)
            if !Self.show(outcome, input: line, firstLine: lineNumber, terminal: terminal) { failed = true }
        }
        if failed && !interactive { throw ExitCode.failure }
    }

    /// Prints an outcome; false when it was an error. An error shows the input line with a caret under the column
    /// it names.
    private static func show(_ outcome: ExpressionConsole.Outcome, input: String, firstLine: Int, terminal: Terminal)
        -> Bool
    {
        switch outcome {
        case .nothing: return true
        case .value(let text):
            print(text)
            return true
        case .error(let error):
            let place = error.location.line > 0 ? "\(error.location.line):\(error.location.column): " : ""
            var lines = ["\(terminal.paint("error", .bold, .red)): \(place)\(error.message)"]
            let column = max(error.location.column, 1)
            let line = input.split(separator: "\n", omittingEmptySubsequences: false)
            let row = error.location.line - firstLine
            if line.indices.contains(row) {
                lines.append("  " + line[row])
                lines.append("  " + String(repeating: " ", count: column - 1) + terminal.paint("^", .bold, .red))
            }
            if let hint = error.hint { lines.append("  hint: \(hint)") }
            Terminal.printError(lines.joined(separator: "\n"))
            return false
        }
    }
}
