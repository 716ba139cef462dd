import Foundation

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
    public static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> Output {
        try runExecutable(binary, arguments, in: directory, environment: extra)
    }

    /// Runs any executable with the inherited environment plus `extra`, colors off and a private Terrace cache.
    public static func runExecutable(
        _ executable: String, _ arguments: [String], in directory: URL, environment extra: [String: String] = [:]
    ) throws -> Output {
        let process = makeProcess(executable, arguments, in: directory, environment: extra)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A process for `executable` in `directory`, not started: the inherited environment plus `extra`,
    /// colors off, and a private Terrace cache in `directory/.cache`.
    public static func makeProcess(_ executable: String, _ arguments: [String], in directory: URL, environment extra: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["TERRACE_CACHE_DIR"] = directory.appendingPathComponent(".cache").path
        environment.merge(extra, uniquingKeysWith: { _, new in new })
        process.environment = environment
        return process
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
