import ArgumentParser
import Foundation
import TerraceCore

/// `terrace init`: writes a starter repository that validates.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter repository: a project file, one infrastructure and a custom module.")

    @Argument(help: "The folder to write into (created if missing).", completion: .directory)
    var path: String = "."

    @Option(help: "The project's name (default: the folder's name).")
    var name: String?

    @Flag(help: "Overwrite files that already exist.")
    var force = false

    func validate() throws {
        if let name, let problem = NameRules.checkName(name) {
            throw ValidationError("project name `\(name)` \(problem)")
        }
    }

    func run() async throws {
        let root = URL(fileURLWithPath: path).standardizedFileURL
        let folderName = root.lastPathComponent.lowercased()
        let projectName = name ?? (NameRules.checkName(folderName) == nil ? folderName : "my-platform")
        let files = StarterRepo.files(name: projectName)
        let manager = FileManager.default
        let existing = files.map(\.path).filter { manager.fileExists(atPath: root.appendingPathComponent($0).path) }
        if !existing.isEmpty, !force {
            Terminal.printError(
                "error: \(existing.map { "`\($0)`" }.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); nothing was written\n  hint: pass --force to overwrite")
            throw ExitCode.failure
        }
        do {
            for file in files {
                let url = root.appendingPathComponent(file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url, options: .atomic)
            }
        } catch {
            Terminal.printError("error: cannot write into `\(path)`: \(error.localizedDescription)")
            throw ExitCode.failure
        }
        print("Wrote a starter repository for project `\(projectName)` in \(root.path):")
        for file in files { print("  \(file.path)") }
        print("Next: terrace validate \(path) && terrace plan \(path)")
    }
}
