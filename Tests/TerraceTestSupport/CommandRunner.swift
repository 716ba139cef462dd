import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs the built `terrace` binary (and other programs) as a user would, in a scratch folder, capturing output and exit code.
public struct CommandRunner {
    /// What a command printed and how it exited.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The `terrace` binary built beside this test bundle.
    public static let binary: String = {
        let beside = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("terrace").path
        if let beside, FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
        return root.appendingPathComponent(".build/debug/terrace").path
    }()

    /// A fresh empty folder under the system's temporary folder.
    public static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("terrace-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `terrace arguments…` in `directory`, with colors off, a private cache and `environment` added.
    public static func run(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:], input: String = ""
    ) async throws -> Output {
        try await runExecutable(binary, arguments, in: directory, environment: extra, input: input)
    }

    /// Runs any executable with the inherited environment plus `extra`, colors off and a private Terrace cache.
    ///
    /// It runs through swift-subprocess, which waits without holding one of Swift concurrency's few threads and
    /// gives the child only its own descriptors: a daemon another test starts meanwhile cannot inherit this
    /// command's pipes and keep them open (Foundation's `Process` and `Pipe` allow both, and tests hung on them).
    /// `input` is written to the command's standard input, which then ends.
    public static func runExecutable(
        _ executable: String, _ arguments: [String], in directory: URL, environment extra: [String: String] = [:],
        input: String = ""
    ) async throws -> Output {
        var variables: [Environment.Key: String?] = [:]
        for (name, value) in settings(in: directory, extra) { variables[Environment.Key(stringLiteral: name)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments), environment: .inherit.updating(variables),
            workingDirectory: FilePath(directory.path), input: .string(input), output: .string(limit: 64 << 20),
            error: .string(limit: 64 << 20))
        let status: Int32
        switch result.terminationStatus {
        case .exited(let code): status = code
        case .signaled(let signal): status = 128 + signal
        }
        return Output(status: status, stdout: result.standardOutput, stderr: result.standardError)
    }

    /// A process for `executable` in `directory`, not started: the inherited environment plus `extra`,
    /// colors off, and a private Terrace cache in `directory/.cache`.
    public static func makeProcess(_ executable: String, _ arguments: [String], in directory: URL, environment extra: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(settings(in: directory, extra)) { _, new in new }
        return process
    }

    /// What every command gets over the inherited environment: colors off, a private Terrace cache in
    /// `directory/.cache`, then `extra`.
    static func settings(in directory: URL, _ extra: [String: String]) -> [String: String] {
        ["NO_COLOR": "1", "TERRACE_CACHE_DIR": directory.appendingPathComponent(".cache").path]
            .merging(extra) { _, new in new }
    }

    /// Every regular file below `folder` with its contents, for "nothing changed" checks.
    public static func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path) {
                files[relative] = data
            }
        }
        return files
    }
}
