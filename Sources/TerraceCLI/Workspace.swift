import ArgumentParser
import Foundation
import TerraceCore
import TerraceGit
import TerraceLocal

/// Loads the repository a command works on, with the real drivers.
enum Workspace {
    /// Loads and validates the repository at `options.root`.
    static func load(_ options: RepoOptions) async -> LoadResult {
        let loader = RepoLoader(
            fileSystem: LocalFileSystem(),
            builtinModules: BuiltinModulesLocator.locate(),
            fetcher: GitModuleFetcher(cacheDirectory: CacheFolders.base() + "/modules"))
        return await loader.load(options.root)
    }

    /// Loads the repository, printing diagnostics; throws exit code 1 when it has errors.
    static func loadOrExit(_ options: RepoOptions, json: Bool) async throws -> Repository {
        let result = await load(options)
        if json, result.repository == nil {
            try JSONOutput.write(["formatVersion": 1, "valid": false, "errors": DiagnosticPrinter.json(result.diagnostics)])
            throw ExitCode.failure
        }
        if !result.diagnostics.isEmpty {
            let printer = DiagnosticPrinter(root: options.root, terminal: Terminal(noColor: options.noColor, forErrors: true))
            Terminal.printError(printer.render(result.diagnostics))
        }
        guard let repository = result.repository else { throw ExitCode.failure }
        return repository
    }

    /// Checks that every name in `selection` is an infrastructure of `repository`.
    static func checkSelection(_ selection: Set<String>?, in repository: Repository) throws {
        let names = repository.infrastructures.map(\.name)
        for name in selection?.sorted() ?? [] where !names.contains(name) {
            let hint = Suggestions.closest(to: name, in: names).map { " (did you mean `\($0)`?)" } ?? ""
            throw ValidationError("no infrastructure named `\(name)`\(hint); known: \(names.joined(separator: ", "))")
        }
    }
}

/// Writes JSON documents to standard output with sorted keys.
enum JSONOutput {
    static func write(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Writes one compact JSON object on one line (for event streams).
    static func writeLine(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func write(encodable value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}
