import Foundation
import Testing
import TerraceTestSupport

/// The Terraform answers the expression language is tested against (`TerraformDifferentialTests` in
/// TerraceCoreTests) still come out of the installed Terraform: `scripts/terraform-answers.py --check` runs the whole
/// corpus through `terraform console` again and lists every answer that drifted.
@Suite struct TerraformAnswersDriftTests {
    /// The repository's root folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL

    @Test(
        .enabled(
            if: commandPath("terraform") != nil && commandPath("python3") != nil, "needs terraform and python3 on the PATH"),
        .timeLimit(.minutes(15)))
    func storedAnswersAreWhatTerraformAnswers() async throws {
        let python = try #require(commandPath("python3"))
        let script = Self.root.appendingPathComponent("scripts/terraform-answers.py").path
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await CommandRunner.runExecutable(python, [script, "--check"], in: folder)
        #expect(
            output.status == 0, "Terraform's answers drifted from the stored ones:\n\(output.stderr)\(output.stdout)")
    }
}

/// The full path of `command` in a folder of the PATH, or nil.
private func commandPath(_ command: String) -> String? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    return folders.map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
