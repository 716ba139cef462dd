import Foundation
import FuzzSupport
import TerraceCore

/// Where the in-memory repository and the built-in modules sit.
let repoRoot = "/repo"
let builtinRoot = "/builtin"

/// What separates `terrace.yaml` from the infrastructure manifest in an input (see ``fuzzManifest``).
let projectSeparator = Array("\n%%%%\n".utf8)

/// The built-in modules and addon catalogue of this source tree, plus the quickstart's `assets` module, read once.
let fixedFiles: [String: String] = {
    let top = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../..").standardizedFileURL.path
    var files: [String: String] = [:]
    func add(folder: String, as prefix: String) {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".tf"), let text = try? String(contentsOfFile: folder + "/" + relative, encoding: .utf8)
            else { continue }
            files["\(prefix)/\(relative)"] = text
        }
    }
    add(folder: top + "/modules/aws", as: builtinRoot + "/aws")
    add(folder: top + "/examples/quickstart/modules/assets", as: repoRoot + "/modules/assets")
    let catalogue = try? String(contentsOfFile: top + "/modules/" + AddonCatalogue.path, encoding: .utf8)
    files["\(builtinRoot)/\(AddonCatalogue.path)"] = catalogue.map(smallCatalogue)
    if files.count < 10 { fatalError("fuzz: the built-in modules were not found under \(top)/modules") }
    return files
}()

/// The addons kept from the real catalogue: one with settings, permissions and objects, and two plain ones.
let keptAddons: Set<String> = ["cert-manager", "metrics-server", "cloudnative-pg"]

/// The real catalogue cut down to ``keptAddons``, without comments: every load reads it, and reading all of it
/// would take most of each run's time.
func smallCatalogue(_ text: String) -> String {
    var kept: [Substring] = []
    var keeping = true
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
        // An entry starts at a two-space-indented key under `addons:`.
        if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
            keeping = keptAddons.contains(String(line.dropFirst(2).dropLast()))
        }
        if keeping { kept.append(line) }
    }
    return kept.joined(separator: "\n")
}

/// Whether to print each load's diagnostics (`FUZZ_PRINT=1`), to see how far a seed gets.
let printDiagnostics = ProcessInfo.processInfo.environment["FUZZ_PRINT"] == "1"

/// The project file used when an input brings none.
let defaultProject = """
    kind: Project
    name: fuzz
    vars:
      owner: platform-team

    """

/// libFuzzer's entry point: loads a repository (RepoLoader over an in-memory file system, with the real
/// built-in modules) whose `infrastructures/fuzz.yaml` is the input. An input holding a line `%%%%` is split
/// there: the text before it is `terrace.yaml`, the text after it the infrastructure manifest.
///
/// Checked beyond "no crash": a load either yields a repository or reports an error, never neither; every
/// diagnostic about the input's files names a line of them and a column (or, for now, only the file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    var project = defaultProject
    var manifest = String(decoding: bytes, as: UTF8.self)
    if let split = bytes.firstRange(of: projectSeparator) {
        project = String(decoding: bytes[..<split.lowerBound], as: UTF8.self)
        manifest = String(decoding: bytes[split.upperBound...], as: UTF8.self)
    }
    var files = fixedFiles
    files["\(repoRoot)/terrace.yaml"] = project
    files["\(repoRoot)/infrastructures/fuzz.yaml"] = manifest
    let fileSystem = InMemoryFileSystem(files)
    let result = FuzzInput.wait {
        await RepoLoader(fileSystem: fileSystem, builtinModules: builtinRoot).load(repoRoot)
    }
    if printDiagnostics {
        let lines = result.diagnostics.map(\.description)
        print("\(result.repository == nil ? "no repository" : "repository loaded"); \(lines.count) diagnostics")
        for line in lines { print("  " + line) }
    }
    let projectLines = yamlLineCount(project)
    let manifestLines = yamlLineCount(manifest)
    // Two leniencies for now (docs/fuzzing.md): YAML "unreadable" errors (a control character) carry no line, and
    // libyaml places an error at the end of a file without a final newline one line past it.
    for diagnostic in result.diagnostics {
        FuzzInput.checkLocation(
            diagnostic.location, file: "terrace.yaml", lines: projectLines + 1, allowWholeFile: true,
            "diagnostic `\(diagnostic)`")
        FuzzInput.checkLocation(
            diagnostic.location, file: "infrastructures/fuzz.yaml", lines: manifestLines + 1, allowWholeFile: true,
            "diagnostic `\(diagnostic)`")
    }
    FuzzInput.check(
        (result.repository != nil) != result.diagnostics.hasErrors,
        "a load must give a repository or an error, not \(result.repository == nil ? "neither" : "both")")
    return 0
}

/// How many lines YAML sees in `text`: it breaks lines at `\n`, `\r\n`, a lone `\r`, NEL, LS and PS.
func yamlLineCount(_ text: String) -> Int {
    var lines = 1
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": if previous != "\r" { lines += 1 }
        case "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
        default: break
        }
        previous = scalar
    }
    return lines
}
