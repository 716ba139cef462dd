import ArgumentParser
import Foundation

/// The options every command that reads a repository shares.
struct RepoOptions: ParsableArguments {
    @Argument(help: "The repository folder (manifests are found anywhere below it).", completion: .directory)
    var path: String = "."

    @Option(
        name: .customLong("state-dir"),
        help: "Keep Terrace's records and locks in this local folder instead of each infrastructure's S3 state bucket.")
    var stateDirectory: String?

    @Flag(name: .customLong("no-color"), help: "Never color the output (also: NO_COLOR in the environment).")
    var noColor = false

    /// The repository root as an absolute, normalized path.
    var root: String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }

    /// The local state folder (absolute), when `--state-dir` is given; nil means each infrastructure's S3 bucket.
    var localStateFolder: String? {
        stateDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw ValidationError("no folder at `\(path)`")
        }
        guard isDirectory.boolValue else {
            throw ValidationError("`\(path)` is a file; give the repository folder")
        }
    }
}

/// The `--infra NAME` selection shared by plan and graph.
struct InfraSelection: ParsableArguments {
    @Option(name: .customLong("infra"), help: "Only this infrastructure (repeat for several).")
    var names: [String] = []

    /// The selected names, or nil for all.
    var selection: Set<String>? { names.isEmpty ? nil : Set(names) }
}
