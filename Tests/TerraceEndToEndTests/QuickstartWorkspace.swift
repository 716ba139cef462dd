import Foundation
import TerraceTestSupport

/// A copy of `examples/quickstart` pointed at a local AWS API, with Terraform set up offline and wrapped
/// so its runs can be counted.
struct QuickstartWorkspace {
    let folder: URL
    let repo: URL
    let server: MotoServer
    let shim: TerraformShim
    let environment: [String: String]
    let aws: AWSCLI

    static let exampleFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/quickstart").standardizedFileURL

    init(server: MotoServer) throws {
        folder = try CommandRunner.scratchFolder()
        repo = folder.appendingPathComponent("repo")
        try FileManager.default.copyItem(at: Self.exampleFolder, to: repo)
        let manifest = repo.appendingPathComponent("infrastructures/demo.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
            .replacingOccurrences(of: "http://127.0.0.1:5000", with: server.endpoint)
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        self.server = server
        shim = try TerraformShim(in: folder.path)
        var environment = server.environment
        environment.merge(try TerraformHarness.environment(in: folder.path + "/terraform"), uniquingKeysWith: { _, new in new })
        environment.merge(shim.environment, uniquingKeysWith: { _, new in new })
        self.environment = environment
        aws = AWSCLI(server: server)
    }

    /// Runs `terrace arguments… repo` in the workspace folder.
    func terrace(_ arguments: [String]) async throws -> CommandRunner.Output {
        try await CommandRunner.run(arguments + ["repo"], in: folder, environment: environment)
    }

    /// Replaces text in the demo manifest.
    func edit(_ change: (String) -> String) throws {
        let manifest = repo.appendingPathComponent("infrastructures/demo.yaml")
        try change(try String(contentsOf: manifest, encoding: .utf8)).write(to: manifest, atomically: true, encoding: .utf8)
    }

    /// The `finished` events of a `--json` run, as unit → outcome.
    static func outcomes(_ output: CommandRunner.Output) -> [String: String] {
        var outcomes: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "finished", let unit = object["unit"] as? String,
                let outcome = object["outcome"] as? String
            else { continue }
            outcomes[unit] = outcome
        }
        return outcomes
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
