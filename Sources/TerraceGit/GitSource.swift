import Foundation
import TerraceCore

/// The git repository the service follows: a bare mirror of one branch under `directory`, fetched with the git
/// CLI (https, ssh, file and git:// URLs), and one checked-out folder per revision the service works on.
///
/// One git operation (fetch or checkout) runs at a time; callers arriving meanwhile wait for it. Each git command
/// has a time limit (``timeout``): a git that hangs (a stalled server, a credentials prompt) is killed with its
/// process group, and the operation fails with ``GitError/Code/timedOut``.
public actor GitSource {
    /// The repository URL (may hold credentials: never shown; ``displayURL`` is).
    private let url: String
    /// The branch followed.
    public nonisolated let branch: String
    /// Where the mirror and the revisions live.
    public nonisolated let directory: String
    private let git: GitCommand
    private var kept: [String] = []
    /// Whether a fetch or checkout runs now, and who waits for it.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// How long one git command may run; nil: no limit.
    public nonisolated var timeout: Duration? { git.timeout }

    /// Creates a source; `environment` adds variables for git (credentials, `GIT_SSH_COMMAND`); each git command is
    /// killed after `timeout` (nil: no limit); `executable` is git's name on the PATH or its path.
    public init(
        url: String, branch: String, directory: String, environment: [String: String] = [:], timeout: Duration? = nil,
        executable: String = "git"
    ) {
        self.url = url
        self.branch = branch
        self.directory = directory
        self.git = GitCommand(executable: executable, environment: environment, timeout: timeout)
    }

    /// Runs `body` when no other git operation of this source runs.
    private func exclusively<T: Sendable>(_ body: () async throws(GitError) -> T) async throws(GitError) -> T {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }

    /// The URL with any credentials removed.
    public nonisolated var displayURL: String { GitCommand.redact(url) }

    private var mirror: String { directory + "/mirror.git" }

    /// Fetches the branch (cloning the mirror first) and returns its newest revision.
    public func fetch() async throws(GitError) -> SourceRevision {
        try await exclusively { () async throws(GitError) -> SourceRevision in try await fetchNow() }
    }

    private func fetchNow() async throws(GitError) -> SourceRevision {
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: mirror + "/HEAD") {
            try? fileManager.removeItem(atPath: mirror)
            try? fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = try await git.execute(["init", "--quiet", "--bare", mirror])
            _ = try await git.execute(["-C", mirror, "remote", "add", "origin", url])
        }
        _ = try await git.execute([
            "-C", mirror, "fetch", "--quiet", "--prune", "--no-tags", "origin", "+refs/heads/\(branch):refs/heads/\(branch)",
        ])
        let id = try await git.execute(["-C", mirror, "rev-parse", "refs/heads/\(branch)"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let time = try? await git.execute(["-C", mirror, "show", "-s", "--format=%ct", id]).trimmingCharacters(in: .whitespacesAndNewlines)
        return SourceRevision(id: id, committedAt: time.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) })
    }

    /// A folder holding the files of `revision` (checked out once, kept for the newest few revisions).
    public func checkout(_ revision: String) async throws(GitError) -> String {
        guard revision.allSatisfy(\.isHexDigit), !revision.isEmpty else { throw GitError(.failed, "`\(revision)` is not a commit id") }
        return try await exclusively { () async throws(GitError) -> String in try await checkoutNow(revision) }
    }

    private func checkoutNow(_ revision: String) async throws(GitError) -> String {
        let path = directory + "/revisions/" + revision
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: path + "/.git") {
            try? fileManager.createDirectory(atPath: directory + "/revisions", withIntermediateDirectories: true)
            _ = try? await git.execute(["-C", mirror, "worktree", "prune"])
            try? fileManager.removeItem(atPath: path)
            _ = try await git.execute(["-C", mirror, "worktree", "add", "--quiet", "--detach", "--force", path, revision])
        }
        kept.removeAll { $0 == revision }
        kept.append(revision)
        while kept.count > 10 {
            let old = kept.removeFirst()
            _ = try? await git.execute(["-C", mirror, "worktree", "remove", "--force", directory + "/revisions/" + old])
        }
        return path
    }
}

/// Git credentials from the environment or mounted files, handed to git through `GIT_ASKPASS` (https) or
/// `GIT_SSH_COMMAND` (ssh) — never on a command line, in a URL or in a log.
public enum GitCredentials {
    /// The variables git needs for the credentials in `environment`; writes an askpass helper into `directory`
    /// that reads the password from the environment or its file at the moment git asks.
    ///
    /// - `TERRACE_GIT_USERNAME` with `TERRACE_GIT_PASSWORD` or `TERRACE_GIT_PASSWORD_FILE` (https);
    /// - `TERRACE_GIT_SSH_KEY_FILE`, optionally `TERRACE_GIT_KNOWN_HOSTS_FILE` (ssh).
    public static func gitEnvironment(from environment: [String: String], directory: String) throws -> [String: String] {
        var variables: [String: String] = [:]
        let password = environment["TERRACE_GIT_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let passwordFile = environment["TERRACE_GIT_PASSWORD_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if password != nil || passwordFile != nil {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let script = directory + "/askpass.sh"
            let body = """
                #!/bin/sh
                case "$1" in
                  Username*) printf '%s\\n' "${TERRACE_GIT_USERNAME:-git}" ;;
                  *) if [ -n "$TERRACE_GIT_PASSWORD_FILE" ]; then head -n 1 "$TERRACE_GIT_PASSWORD_FILE"; else printf '%s\\n' "$TERRACE_GIT_PASSWORD"; fi ;;
                esac

                """
            try body.write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
            variables["GIT_ASKPASS"] = script
        }
        if let key = environment["TERRACE_GIT_SSH_KEY_FILE"], !key.isEmpty {
            var command = "ssh -i '\(key)' -o IdentitiesOnly=yes -o BatchMode=yes"
            if let knownHosts = environment["TERRACE_GIT_KNOWN_HOSTS_FILE"], !knownHosts.isEmpty {
                command += " -o StrictHostKeyChecking=yes -o UserKnownHostsFile='\(knownHosts)'"
            } else {
                command += " -o StrictHostKeyChecking=accept-new"
            }
            variables["GIT_SSH_COMMAND"] = command
        }
        return variables
    }
}
