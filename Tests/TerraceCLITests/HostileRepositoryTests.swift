import Foundation
import TerraceTestSupport
import Testing

/// A corpus of hostile repositories, each generated at test time and validated by the real `terrace` binary under a
/// memory bound (`prlimit --as`) and a kill deadline (`timeout -s KILL`). Each must end with a clear error naming the
/// file (and line where there is one) and exit status 1: not a crash, a signal, an out-of-memory or a hang.
/// The bounds are generous (a debug build on a loaded machine); they are kill limits, not timings.
@Suite("Hostile repositories are refused with a clear error, within memory and time", .serialized)
struct HostileRepositoryTests {
    /// The address-space limit each run gets.
    static let memoryLimit = 2 << 30
    /// Seconds before a run is killed.
    static let deadline = 60

    static let infrastructure = """
        kind: Infrastructure
        name: dev
        cloud:
          provider: aws
          region: us-east-1

        """

    /// A repository in a fresh folder: `terrace.yaml` plus `files` (relative path to bytes).
    static func repository(_ files: [String: [UInt8]]) throws -> URL {
        let folder = try CommandRunner.scratchFolder()
        let all = files.merging(["terrace.yaml": Array("kind: Project\nname: hostile\n".utf8)]) { mine, _ in mine }
        for (path, bytes) in all {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return folder
    }

    /// `terrace validate` on `folder`, under the memory limit and the deadline.
    static func validate(_ folder: URL) async throws -> CommandRunner.Output {
        try await CommandRunner.runExecutable(
            "/usr/bin/timeout",
            ["-s", "KILL", String(deadline), "prlimit", "--as=\(memoryLimit)", "--", CommandRunner.binary, "validate", folder.path],
            in: folder)
    }

    /// Validates a repository of `files` and checks it failed cleanly with `expected` (a `file:line:col: error: …`
    /// prefix or other text) in its errors.
    static func expectRefused(
        _ files: [String: [UInt8]], _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        let folder = try repository(files)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await expectRefused(folder, expected, sourceLocation: sourceLocation)
    }

    static func expectRefused(
        _ folder: URL, _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        let output = try await validate(folder)
        #expect(output.status == 1, "status \(output.status) (137: killed at the memory or time bound, 139: crashed)\n\(output.stderr.prefix(2_000))", sourceLocation: sourceLocation)
        for text in expected {
            #expect(output.stderr.contains(text), "missing `\(text)` in:\n\(output.stderr.prefix(2_000))", sourceLocation: sourceLocation)
        }
        #expect(!output.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(output.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test("a billion laughs: nine levels of nine aliases")
    func billionLaughs() async throws {
        var lines = ["vars:", "  a: &a [\(Array(repeating: "\"lol\"", count: 9).joined(separator: ","))]"]
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            lines.append("  \(name): &\(name) [\(Array(repeating: "*\(previous)", count: 9).joined(separator: ","))]")
        }
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": Self.text(Self.infrastructure + lines.joined(separator: "\n") + "\n")],
            ["infrastructures/dev.yaml:12:13: error: YAML alias `*e` expands the file past 200,000 nodes"])
    }

    @Test("100,000-deep nesting in YAML, as flow lists and as block mappings")
    func deepYAML() async throws {
        let depth = 100_000
        let flow = Self.infrastructure + "vars:\n  x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": Self.text(flow)],
            ["infrastructures/dev.yaml:7:7: error: YAML nested more than 64 levels deep"])
        // Block nesting indents each level one more space, so 2,000 levels (2 MB) stand for any depth.
        let block = (0..<2_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": Self.text(Self.infrastructure + block + " 1\n")],
            ["infrastructures/dev.yaml:70:65: error: YAML nested more than 64 levels deep"])
    }

    @Test("100,000-deep nesting in expressions and templates")
    func deepExpressions() async throws {
        let depth = 100_000
        let module = Self.text("variable \"x\" {\n  type = any\n}\n")
        let units = { (value: String) in
            Self.text(Self.infrastructure + "units:\n  - name: a\n    module: ../modules/m\n    inputs:\n      x: \"\(value)\"\n")
        }
        let parentheses = "${" + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "}"
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": units(parentheses), "modules/m/main.tf": module],
            ["infrastructures/dev.yaml:10:77: error: expression nested too deeply"])
        let lists = "${" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": units(lists), "modules/m/main.tf": module],
            ["infrastructures/dev.yaml:10:77: error: expression nested too deeply"])
        let sums = "${" + String(repeating: "1 + ", count: depth) + "1}"
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": units(sums), "modules/m/main.tf": module],
            ["infrastructures/dev.yaml:10:1039: error: expression too long"])
        let directives = String(repeating: "%{if true}", count: depth) + String(repeating: "%{endif}", count: depth)
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": units(directives), "modules/m/main.tf": module],
            ["infrastructures/dev.yaml:10:651: error: template directives nested more than 64 deep"])
    }

    @Test("a 50 MB manifest")
    func largeManifest() async throws {
        var manifest = Self.infrastructure + "vars:\n"
        let line = "  v: \"" + String(repeating: "x", count: 1_000) + "\"\n"
        manifest.reserveCapacity(50 << 20)
        while manifest.utf8.count < 50 << 20 { manifest += line }
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": Self.text(manifest)],
            ["infrastructures/dev.yaml: error: the file is 50 MiB, more than the 4 MiB a manifest may be"])
    }

    @Test("10,000 files")
    func manyFiles() async throws {
        let folder = try Self.repository(["infrastructures/dev.yaml": Self.text(Self.infrastructure)])
        defer { try? FileManager.default.removeItem(at: folder) }
        for index in 0..<10_000 {
            let directory = folder.appendingPathComponent("docs/\(index / 500)")
            if index % 500 == 0 { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
            try Data("page \(index)\n".utf8).write(to: directory.appendingPathComponent("\(index).md"))
        }
        try await Self.expectRefused(folder, ["\(folder.path): error: the repository holds more than 5,000 files"])
    }

    @Test("a symbolic link to /etc as a module is refused; links leading out or looping back are not followed")
    func symlinkedModule() async throws {
        let manifest = Self.infrastructure + "units:\n  - name: etc\n    module: ../modules/etc\n"
        let folder = try Self.repository(["infrastructures/dev.yaml": Self.text(manifest)])
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("modules"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("modules/etc").path, withDestinationPath: "/etc")
        // A linked manifest that leads out of the repository is not read either.
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("infrastructures/passwd.yaml").path, withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("root").path, withDestinationPath: "/")
        // Nor is a link back into the repository, which would loop.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("infrastructures/loop").path, withDestinationPath: "..")
        let output = try await Self.validate(folder)
        #expect(output.status == 1, "\(output.stderr)")
        #expect(output.stderr.contains(
            "infrastructures/dev.yaml:8:13: error: module path `modules/etc` leaves the repository through a symbolic link"))
        #expect(!output.stderr.contains("passwd"))
        #expect(output.stderr.hasSuffix("1 error in 1 file\n"), "\(output.stderr)")
    }

    @Test("binary garbage where a manifest should be")
    func binaryGarbage() async throws {
        var generator = SeededGenerator(state: 11)
        let garbage = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let firstControl = try #require(garbage.firstIndex { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F })
        let line = garbage[..<firstControl].filter { $0 == 0x0A }.count + 1
        try await Self.expectRefused(
            ["infrastructures/blob.yaml": garbage],
            ["infrastructures/blob.yaml:\(line):", "error: not a text file: byte 0x"])
    }

    @Test("a manifest in Latin-1, not UTF-8")
    func invalidUTF8() async throws {
        let manifest = Self.text(Self.infrastructure + "vars:\n  city: \"Z") + [0xFC] + Self.text("rich\"\n")
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": manifest],
            ["infrastructures/dev.yaml:7:11: error: not valid UTF-8: byte 0xFC is not part of a character"])
    }

    @Test("a manifest without kind is warned about, not silently ignored")
    func kindless() async throws {
        let manifest = Self.infrastructure.replacingOccurrences(of: "kind: Infrastructure\n", with: "")
        let folder = try Self.repository(["clusters/dev.yaml": Self.text(manifest)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await Self.validate(folder)
        // A warning does not fail validation: nothing in the repository is Terrace's to apply.
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("clusters/dev.yaml:1:1: warning: this document has no `kind`, so Terrace ignores it"))
        #expect(output.stdout == "✓ valid: 0 infrastructures, 0 units, 0 modules\n")
    }

    @Test("an apiVersion from the future")
    func futureAPIVersion() async throws {
        try await Self.expectRefused(
            ["infrastructures/dev.yaml": Self.text("apiVersion: terrace.dev/v3\n" + Self.infrastructure)],
            ["infrastructures/dev.yaml:1:13: error: unsupported apiVersion `terrace.dev/v3`", "`terrace.dev/v1alpha1`"])
    }
}
