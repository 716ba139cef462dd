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

    /// How long one git command may run; nil: no limit. On expiry its whole process group (git, ssh, remote
    /// helpers) is killed.
    var timeout: Duration?

    /// Runs `git arguments…` in `directory`; throws with git's last error line (credentials redacted).
    func run(_ arguments: [String], in directory: String? = nil) async throws(ModuleFetchError) -> String {
        do {
            return try await execute(arguments, in: directory)
        } catch {
            throw ModuleFetchError(error.message)
        }
    }

    /// Runs `git arguments…` in `directory`, in a session of its own, killed with its children after ``timeout``
    /// (or when the task is cancelled).
    func execute(_ arguments: [String], in directory: String? = nil) async throws(GitError) -> String {
        var variables: [Environment.Key: String?] = ["GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"]
        for (name, value) in environment { variables[Environment.Key(stringLiteral: name)] = value }
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))]
        let configuration = Configuration(
            executable: executable.contains("/") ? .path(FilePath(executable)) : .name(executable), arguments: Arguments(arguments),
            environment: .inherit.updating(variables), workingDirectory: directory.map { FilePath($0) }, platformOptions: options)
        let outcome: Result<ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>, GitError>
        if let timeout {
            outcome = await withTaskGroup(of: Result<ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>, GitError>?.self) { group in
                group.addTask { await Self.spawn(configuration) }
                group.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return nil }
                    return .failure(GitError(.timedOut, "git \(arguments.first == "-C" ? arguments.dropFirst(2).first ?? "" : arguments.first ?? "") did not finish within \(Self.describe(timeout)): stopped (its processes were killed)"))
                }
                defer { group.cancelAll() }
                while let next = await group.next() {
                    if let next { return next }
                }
                return .failure(GitError(.failed, "git was cancelled"))
            }
        } else {
            outcome = await Self.spawn(configuration)
        }
        let result = try outcome.get()
        guard result.terminationStatus.isSuccess else {
            let message = result.standardError.split(separator: "\n").last.map(String.init) ?? "failed"
            let command = arguments.first == "-C" ? arguments.dropFirst(2).first ?? "" : arguments.first ?? ""
            throw GitError(.failed, "git \(command) failed: \(Self.redact(message))")
        }
        return result.standardOutput
    }

    private static func spawn(
        _ configuration: Configuration
    ) async -> Result<ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>, GitError> {
        do {
            return .success(try await Subprocess.run(configuration, output: .string(limit: 1 << 20), error: .string(limit: 1 << 16)))
        } catch {
            if Task.isCancelled { return .failure(GitError(.failed, "git was cancelled")) }
            return .failure(GitError(.failed, "cannot run git: is it installed and on the PATH?"))
        }
    }

    /// `90 s`, `5 min`.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds >= 60 && seconds % 60 == 0 { return "\(seconds / 60) min" }
        if seconds == 0 { return "\(duration.components.attoseconds / 1_000_000_000_000_000) ms" }
        return "\(seconds) s"
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
