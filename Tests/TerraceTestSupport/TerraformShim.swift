import Foundation

/// A `terraform` wrapper first on the PATH that records every invocation (start, end, folder, subcommand)
/// and then runs the real binary, so tests can count Terraform runs and benchmarks can time them.
public struct TerraformShim: Sendable {
    /// The folder holding the wrapper; put it first on PATH.
    public let binFolder: String
    /// The invocation log, one line per run: `START END FOLDER SUBCOMMAND`.
    public let logFile: String

    /// One recorded Terraform run.
    public struct Invocation: Sendable, Hashable {
        public let start: Double
        public let end: Double
        public let folder: String
        public let subcommand: String
    }

    /// Writes the wrapper into `folder/bin`, wrapping the `terraform` found on the current PATH.
    public init(in folder: String) throws {
        let real = try Self.locate("terraform")
        binFolder = folder + "/bin"
        logFile = folder + "/terraform-invocations.log"
        try FileManager.default.createDirectory(atPath: binFolder, withIntermediateDirectories: true)
        let script = """
            #!/usr/bin/env bash
            start=$(date +%s.%N)
            "\(real)" "$@"
            code=$?
            echo "$start $(date +%s.%N) $PWD ${1:-}" >> "\(logFile)"
            exit $code

            """
        try script.write(toFile: binFolder + "/terraform", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binFolder + "/terraform")
        _ = FileManager.default.createFile(atPath: logFile, contents: Data())
    }

    /// `PATH` with the wrapper first.
    public var environment: [String: String] {
        ["PATH": binFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// Every run recorded so far.
    public func invocations() -> [Invocation] {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count == 4, let start = Double(parts[0]), let end = Double(parts[1]) else { return nil }
            return Invocation(start: start, end: end, folder: parts[2], subcommand: parts[3])
        }
    }

    /// Forgets the runs recorded so far.
    public func reset() {
        _ = FileManager.default.createFile(atPath: logFile, contents: Data())
    }

    /// The units that ran Terraform: the last folder component of runs inside a `.terrace/work` folder
    /// (the once-per-run `terraform version` check runs elsewhere).
    public func units() -> Set<String> {
        Set(invocations().filter { $0.folder.contains("/.terrace/work/") }.map { URL(fileURLWithPath: $0.folder).lastPathComponent })
    }

    private static func locate(_ name: String) throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw HarnessError("`\(name)` is not on the PATH")
    }
}
