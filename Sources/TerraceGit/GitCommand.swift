import Subprocess
import TerraceCore

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs the git CLI non-interactively and returns its output, or a message safe to show.
struct GitCommand: Sendable {
    /// The git executable's name or path.
    var executable: String = "git"
    /// Variables over the inherited environment (credentials helpers); never logged.
    var environment: [String: String] = [:]

    /// Runs `git arguments…` in `directory`; throws with git's last error line (credentials redacted).
    func run(_ arguments: [String], in directory: String? = nil) async throws(ModuleFetchError) -> String {
        let result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>
        var variables: [Environment.Key: String?] = ["GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"]
        for (name, value) in environment { variables[Environment.Key(stringLiteral: name)] = value }
        do {
            result = try await Subprocess.run(
                .name(executable),
                arguments: Arguments(arguments),
                environment: .inherit.updating(variables),
                workingDirectory: directory.map { FilePath($0) },
                output: .string(limit: 1 << 20),
                error: .string(limit: 1 << 16))
        } catch {
            throw ModuleFetchError("cannot run git: is it installed and on the PATH?")
        }
        guard result.terminationStatus.isSuccess else {
            let message = result.standardError.split(separator: "\n").last.map(String.init) ?? "failed"
            throw ModuleFetchError("git \(arguments.first ?? "") failed: \(Self.redact(message))")
        }
        return result.standardOutput
    }

    /// `text` with any `user:password@` in URLs replaced by `***@`.
    static func redact(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            result += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let end = rest.firstIndex(where: { $0 == "/" || $0 == " " }) ?? rest.endIndex
            if let at = rest[..<end].lastIndex(of: "@") {
                result += "***@"
                rest = rest[rest.index(after: at)...]
            }
        }
        return result + rest
    }
}
