import Foundation

/// A `git daemon` serving the repositories under a folder on 127.0.0.1, at a port it picks; stopped by the test.
public final class GitDaemon: @unchecked Sendable {
    /// The port listened on.
    public let port: Int
    /// The folder whose repositories are served.
    public let basePath: String
    private let process: Process

    private init(port: Int, basePath: String, process: Process) {
        self.port = port
        self.basePath = basePath
        self.process = process
    }

    /// The git:// URL of the repository `name` under the base folder.
    public func url(_ name: String) -> String { "git://127.0.0.1:\(port)/\(name)" }

    /// Starts a daemon exporting every repository under `basePath`, and waits until it accepts connections.
    public static func start(basePath: String) async throws -> GitDaemon {
        let port = try MotoServer.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(basePath)", basePath,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let daemon = GitDaemon(port: port, basePath: basePath, process: process)
        for _ in 0..<100 {
            if Self.accepts(port: port) { return daemon }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        daemon.stop()
        throw HarnessError("git daemon did not start on port \(port)")
    }

    /// Stops the daemon.
    public func stop() {
        guard process.isRunning else { return }
        // `git daemon` runs git-daemon as a child of the git wrapper: stop the whole tree, not just the wrapper.
        for pid in ServeProcess.descendants(of: process.processIdentifier) { kill(pid, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}

/// A git working repository the test commits to.
public struct GitWorkRepo: Sendable {
    /// Its folder.
    public let path: String

    /// Creates the repository at `path` on branch `main` with `files`, committed.
    public static func create(at path: String, files: [String: String]) async throws -> GitWorkRepo {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let repo = GitWorkRepo(path: path)
        try await repo.git(["init", "-q", "-b", "main"])
        try await repo.commit(files, message: "initial")
        return repo
    }

    /// Writes `files` (nil removes one) and commits them; returns the new revision.
    @discardableResult
    public func commit(_ files: [String: String?], message: String) async throws -> String {
        for (relative, text) in files {
            let file = path + "/" + relative
            if let text {
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: file, atomically: true, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        try await git(["add", "-A"])
        try await git(["-c", "user.email=test@terrace.invalid", "-c", "user.name=test", "commit", "-q", "-m", message])
        return try await git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the repository; throws on failure.
    @discardableResult
    public func git(_ arguments: [String]) async throws -> String {
        let output = try await CommandRunner.runExecutable("/usr/bin/env", ["git"] + arguments, in: URL(fileURLWithPath: path))
        guard output.status == 0 else { throw HarnessError("git \(arguments.joined(separator: " ")) failed: \(output.stderr)") }
        return output.stdout
    }
}
