import Foundation
import TerraceCore
@testable import TerraceTerraform

/// A shell script standing in for Terraform, to test process handling without the real binary.
/// It appends each command to `calls.txt` and runs the shell snippet given for that command.
struct FakeTerraform {
    /// The scratch folder (script, module, work and log roots).
    let root: String
    /// The script's path.
    var executable: String { root + "/bin/terraform" }
    /// The commands run so far, one per line (`init`, `plan`…).
    var calls: [String] {
        ((try? String(contentsOfFile: root + "/calls.txt", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Writes a script whose `case "$1"` branches are `commands` (command → shell snippet).
    init(_ commands: [String: String], name: String = #function) throws {
        root = try Fixtures.temporaryFolder(name)
        var script = "#!/bin/sh\necho \"$1\" >> \"\(root)/calls.txt\"\ncase \"$1\" in\n"
        for (command, body) in commands.sorted(by: { $0.key < $1.key }) {
            script += "  \(command))\n\(body)\n    ;;\n"
        }
        script += "  *) echo \"unexpected command $1\" >&2; exit 9 ;;\nesac\n"
        try Fixtures.write(["bin/terraform": script, "module/main.tf": "# empty\n"], in: root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable)
    }

    /// An executor running the script.
    func executor(retryPolicy: RetryPolicy = .never, interruptGracePeriod: Duration = .seconds(30)) -> TerraformExecutor {
        TerraformExecutor(
            executable: executable, workRoot: root + "/work", logRoot: root + "/logs", environment: ["FAKE_ROOT": root],
            retryPolicy: retryPolicy, interruptGracePeriod: interruptGracePeriod)
    }

    /// A job for the scratch module.
    func job(unit: String = "app") -> UnitJob {
        Fixtures.job(module: root + "/module", unit: unit, inputs: ["name": "x"])
    }

    /// Removes the scratch folder.
    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
