import Foundation
import TerraceCore

/// A unit's working directory, `<workRoot>/<infrastructure>/<unit>/`: a copy of the module's files
/// plus Terrace's generated backend, provider and variables files.
///
/// Refreshed before each command sequence: everything but `.terraform/` (providers, backend record,
/// Terrace's init marker) and `.terraform.lock.hcl` is removed and copied anew, so re-init stays fast.
struct WorkingDirectory: Sendable {
    /// The folder's path.
    var path: String

    /// Entries kept across refreshes.
    static let kept: Set<String> = [".terraform", ".terraform.lock.hcl"]
    /// Entries of a module folder never copied: local Terraform data, state and version control.
    static let ignored: Set<String> = [".terraform", ".git", "terraform.tfstate", "terraform.tfstate.backup", "terrace.tfplan"]
    /// Where the digest of the last successful init is kept.
    static let markerName = ".terraform/terrace-init"
    /// The saved plan's file name.
    static let planFileName = "terrace.tfplan"

    /// The working directory of `job` below `workRoot`.
    init(workRoot: String, job: UnitJob) {
        path = "\(workRoot)/\(job.infrastructure)/\(job.unit)"
    }

    /// Copies the module's files in (after removing stale ones) and writes the generated files.
    ///
    /// A job whose module folder is empty (`""`) gets an empty configuration: only the generated backend and
    /// provider files. Destroying it removes everything its state holds; the engine uses it for units that are
    /// no longer declared.
    func refresh(for job: UnitJob) throws(UnitFailure) {
        let fileManager = FileManager.default
        let emptyConfiguration = job.module.directory.isEmpty
        var isFolder: ObjCBool = false
        guard emptyConfiguration || (fileManager.fileExists(atPath: job.module.directory, isDirectory: &isFolder) && isFolder.boolValue) else {
            throw UnitFailure(.setup, phase: .`init`, "the module folder \(job.module.directory) does not exist")
        }
        guard let variables = GeneratedFiles.variables(for: job) else {
            throw UnitFailure(.setup, phase: .`init`, "the unit's inputs are not all known yet")
        }
        do {
            try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
            for entry in try fileManager.contentsOfDirectory(atPath: path) where !Self.kept.contains(entry) {
                try fileManager.removeItem(atPath: path + "/" + entry)
            }
            let entries = emptyConfiguration ? [] : try fileManager.contentsOfDirectory(atPath: job.module.directory)
            for entry in entries where !Self.ignored.contains(entry) && !entry.hasSuffix(".tfstate") {
                let target = path + "/" + entry
                if fileManager.fileExists(atPath: target) { try fileManager.removeItem(atPath: target) }
                try fileManager.copyItem(atPath: job.module.directory + "/" + entry, toPath: target)
            }
            try write(GeneratedFiles.backend(for: job), to: GeneratedFiles.backendFileName)
            try write(GeneratedFiles.provider(for: job), to: GeneratedFiles.providerFileName)
            try write(variables, to: GeneratedFiles.variablesFileName)
        } catch {
            throw UnitFailure(.setup, phase: .`init`, "cannot prepare the working directory \(path): \(error.localizedDescription)")
        }
    }

    /// A digest of everything `init` depends on: the generated backend and provider files, the module
    /// files declaring providers, a backend or calling modules, and `context` (binary, CLI configuration,
    /// plugin cache, a lock file the module ships). Equal digests mean a new init would change nothing.
    /// The working directory's own `.terraform.lock.hcl` is left out: init itself writes it.
    func initDigest(context: [String]) -> String {
        var digest = ContentDigest()
        digest.add("terrace-init-v1")
        context.forEach { digest.add($0) }
        for relative in Self.configurationFiles(below: path) {
            guard let text = try? String(contentsOfFile: path + "/" + relative, encoding: .utf8) else { continue }
            if relative == GeneratedFiles.backendFileName || relative == GeneratedFiles.providerFileName || Self.affectsInit(text) {
                digest.add(relative)
                digest.add(text)
            }
        }
        return digest.finalize()
    }

    /// Whether the marker records `digest`: the last init succeeded with the same configuration.
    func isInitialized(digest: String) -> Bool {
        (try? String(contentsOfFile: path + "/" + Self.markerName, encoding: .utf8)) == digest
    }

    /// Records a successful init with `digest`.
    func markInitialized(digest: String) {
        try? digest.write(toFile: path + "/" + Self.markerName, atomically: true, encoding: .utf8)
    }

    /// Forgets the last init, so the next one runs.
    func clearInitMarker() {
        try? FileManager.default.removeItem(atPath: path + "/" + Self.markerName)
    }

    /// Removes the saved plan, if any.
    func removePlan() {
        try? FileManager.default.removeItem(atPath: path + "/" + Self.planFileName)
    }

    /// Removes the whole working directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Whether a configuration file's text matters to `init`: it declares providers, a backend or calls a module.
    static func affectsInit(_ text: String) -> Bool {
        if text.contains("required_providers") { return true }
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("module ") || trimmed.hasPrefix("module\t") || trimmed.hasPrefix("\"module\"")
                || trimmed.hasPrefix("backend ") || trimmed.hasPrefix("cloud ") || trimmed.hasPrefix("\"backend\"")
            {
                return true
            }
        }
        return false
    }

    /// The `.tf` and `.tf.json` files below `root` (not in `.terraform/`), as sorted relative paths.
    static func configurationFiles(below root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative == ".terraform" || relative.hasPrefix(".terraform/") {
                enumerator.skipDescendants()
                continue
            }
            if relative.hasSuffix(".tf") || relative.hasSuffix(".tf.json") {
                files.append(relative)
            }
        }
        return files.sorted()
    }

    private func write(_ text: String, to name: String) throws {
        try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }
}
