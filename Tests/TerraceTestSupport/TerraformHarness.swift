import Foundation

/// Terraform set up for offline tests: a CLI config whose `filesystem_mirror` is the machine's provider
/// mirror, and a shared plugin cache. The user's own `TF_CLI_CONFIG_FILE` is never modified: the harness
/// writes its own file and names it only in the environment of the processes it starts.
public enum TerraformHarness {
    /// Folders where an offline provider mirror (holding `registry.terraform.io/hashicorp/aws`) may be.
    public static let mirrorCandidates: [String] = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["TERRACE_TF_MIRROR"] { candidates.append(explicit) }
        let home = NSHomeDirectory()
        candidates += [
            "/opt/tf-plugins", home + "/.terraform.d/plugins", home + "/.local/share/terraform/plugins",
            "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins",
        ]
        return candidates
    }()

    /// The first candidate that holds the AWS provider.
    public static func findMirror() -> String? {
        mirrorCandidates.first { FileManager.default.fileExists(atPath: $0 + "/registry.terraform.io/hashicorp/aws") }
    }

    /// Writes `cli.tfrc` into `folder` and returns the environment that makes Terraform use it:
    /// `TF_CLI_CONFIG_FILE` and `TF_PLUGIN_CACHE_DIR` (in `folder/plugin-cache`).
    public static func environment(in folder: String) throws -> [String: String] {
        guard let mirror = findMirror() else {
            throw HarnessError("no offline Terraform provider mirror found (looked in \(mirrorCandidates.joined(separator: ", ")))")
        }
        try FileManager.default.createDirectory(atPath: folder + "/plugin-cache", withIntermediateDirectories: true)
        let config = """
            provider_installation {
              filesystem_mirror {
                path    = "\(mirror)"
                include = ["registry.terraform.io/hashicorp/*"]
              }
              direct {
                exclude = ["registry.terraform.io/hashicorp/*"]
              }
            }
            plugin_cache_dir = "\(folder)/plugin-cache"

            """
        try config.write(toFile: folder + "/cli.tfrc", atomically: true, encoding: .utf8)
        return ["TF_CLI_CONFIG_FILE": folder + "/cli.tfrc", "TF_PLUGIN_CACHE_DIR": folder + "/plugin-cache", "CHECKPOINT_DISABLE": "1"]
    }
}
