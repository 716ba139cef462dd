import Foundation
import TerraceCore

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// A unit's log file, `<logRoot>/<runID>/<infrastructure>/<unit>.log`: every command's output,
/// each after a header line naming the command. Terraform's own output only, which it redacts.
struct UnitLog: Sendable {
    /// The file's path.
    var path: String

    /// The log of `job` below `logRoot`.
    init(logRoot: String, job: UnitJob) {
        path = "\(logRoot)/\(job.runID)/\(job.infrastructure)/\(job.unit).log"
    }

    /// Opens the file for appending, creating it and its folder when needed.
    func open() throws -> FileDescriptor {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return try FileDescriptor.open(
            FilePath(path), .writeOnly, options: [.append, .create], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    }

    /// Appends a line (a newline is added), ignoring write errors: a log must never fail a run.
    func append(_ line: String, to descriptor: FileDescriptor) {
        _ = try? descriptor.writeAll(Array((line + "\n").utf8))
    }

    /// Appends a line to the file on its own, opening and closing it.
    func append(_ line: String) {
        guard let descriptor = try? open() else { return }
        append(line, to: descriptor)
        try? descriptor.close()
    }

    /// The file's current size, where the next command's output will start.
    func size() -> UInt64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The text written from byte `offset` on (invalid UTF-8 repaired).
    func text(from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: offset)
            let data = try handle.readToEnd() ?? Data()
            return String(decoding: data, as: UTF8.self)
        } catch {
            return ""
        }
    }

    /// The header line written before a command: `==> 2025-01-02T03:04:05Z terraform plan -input=false …`.
    static func header(executable: String, arguments: [String], date: Date = Date()) -> String {
        let name = (executable as NSString).lastPathComponent
        return "==> \(date.formatted(.iso8601)) \(([name] + arguments).joined(separator: " "))"
    }
}
