import ArgumentParser
import Foundation
import TerraceCore
import TerraceLocal

/// `terrace schema`: the JSON Schema of the manifests, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema (draft 2020-12) of the manifests, for editors to complete and check them.",
        discussion: """
            Save it beside the manifests and point the YAML language server at it from the first line of each:
              terrace schema > terrace.schema.json
              # yaml-language-server: $schema=./terrace.schema.json
            It checks keys, types, names and formats; `terrace validate` checks the rest (modules, references).
            """)

    /// Which manifests the printed schema describes.
    enum KindOption: String, ExpressibleByArgument, CaseIterable {
        case all
        case project
        case infrastructure

        var kind: ManifestSchema.Kind? {
            switch self {
            case .all: nil
            case .project: .project
            case .infrastructure: .infrastructure
            }
        }
    }

    @Option(help: "The manifests to describe: all (one schema, told apart by `kind`), project or infrastructure.")
    var kind: KindOption = .all

    func run() throws {
        guard let modules = BuiltinModulesLocator.locate() else {
            Terminal.printError(
                "error: cannot find Terrace's built-in modules, which hold the addon catalogue\n  hint: set \(BuiltinModulesLocator.environmentVariable) to the modules folder")
            throw ExitCode.failure
        }
        let path = modules + "/" + AddonCatalogue.path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            Terminal.printError("error: cannot read the addon catalogue \(path)")
            throw ExitCode.failure
        }
        let (catalogue, problems) = AddonCatalogue.decode(text)
        if problems.contains(where: { $0.severity == .error }) {
            for problem in problems { Terminal.printError("error: \(problem)") }
            throw ExitCode.failure
        }
        print(ManifestSchema.text(catalogue: catalogue, kind: kind.kind), terminator: "")
    }
}
