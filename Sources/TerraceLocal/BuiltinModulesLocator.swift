import Foundation
import TerraceModules

/// Finds the folder of Terrace's built-in modules wherever the binary is installed and run from.
public enum BuiltinModulesLocator {
    /// The environment variable that points at a modules folder explicitly.
    public static let environmentVariable = "TERRACE_MODULES_DIR"

    /// The first folder holding an `aws` subfolder, among: `$TERRACE_MODULES_DIR`; the resource folder next
    /// to the executable (as `swift build` and the container image lay it out); `../share/terrace/modules`
    /// relative to the executable (as a system install lays it out).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String? = Bundle.main.executableURL?.resolvingSymlinksInPath().path
    ) -> String? {
        var candidates: [String] = []
        if let explicit = environment[environmentVariable], !explicit.isEmpty { candidates.append(explicit) }
        if let executable {
            let folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent(TerraceModules.resourceFolderName).path)
            candidates.append(folder.appendingPathComponent("../share/terrace/modules").standardizedFileURL.path)
        }
        return candidates.first { candidate in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate + "/aws", isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }
}
