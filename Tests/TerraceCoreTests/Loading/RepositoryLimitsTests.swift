import Testing

@testable import TerraceCore

/// Loads `files` (paths relative to `/repo`, text or raw bytes) with `limits`.
private func load(
    _ files: [String: String], bytes: [String: [UInt8]] = [:], limits: RepositoryLimits = .defaults
) async -> LoadResult {
    var fileSystem = InMemoryFileSystem(files.reduce(into: [:]) { $0["/repo/\($1.key)"] = $1.value })
    for (path, content) in bytes { fileSystem.write("/repo/\(path)", bytes: content) }
    return await RepoLoader(fileSystem: fileSystem, builtinModules: nil, limits: limits).load("/repo")
}

private let infrastructure = """
    kind: Infrastructure
    name: dev
    cloud:
      provider: aws
      region: us-east-1

    """

/// The one error of `result`, required to exist and be alone.
private func onlyError(_ result: LoadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Diagnostic {
    let errors = result.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1, "\(result.diagnostics)", sourceLocation: sourceLocation)
    #expect(result.repository == nil, sourceLocation: sourceLocation)
    return try #require(errors.first, sourceLocation: sourceLocation)
}

@Suite("Repository limits: what a repository may cost to load")
struct RepositoryLimitsTests {
    static let billionLaughs = infrastructure + """
        vars:
          a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
          b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
          c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
          d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
          e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
          f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
          g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
          h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
          i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]

        """

    @Test("a billion laughs is refused at the alias that passes the expansion budget")
    func billionLaughs() async throws {
        let error = try onlyError(await load(["infrastructures/dev.yaml": Self.billionLaughs]))
        // `e` holds 9^4 "lol"s plus its lists; the first `*e` of `f` is the alias that passes 200,000 nodes.
        #expect(error.location.file == "infrastructures/dev.yaml")
        #expect(error.location.line == 12)
        #expect(error.location.column > 0)
        #expect(error.message.contains("YAML alias `*"))
        #expect(error.message.contains("200,000 nodes"))
    }

    @Test("an alias used as a mapping key is counted before the composer hashes it")
    func aliasKeys() async throws {
        let text = Self.billionLaughs + "x:\n  ? *i\n  : 1\n  ? *h\n  : 2\n"
        let error = try onlyError(await load(["infrastructures/dev.yaml": text]))
        #expect(error.message.contains("expands the file past"))
    }

    @Test("expanded size is counted exactly: an alias costs what its anchor names")
    func expansionIsCounted() {
        let budget = YAMLBudget(limits: .defaults, file: "f.yaml")
        // mapping 1, key `a` 1, list 3, key `b` 1, alias to the list 3.
        #expect(budget.check(Array("a: &x [1, 2]\nb: *x\n".utf8)) == .success(YAMLBudget.Usage(documents: 1, nodes: 9, aliases: 1)))
        let tight = YAMLBudget(limits: RepositoryLimits(maximumNodes: 8), file: "f.yaml")
        guard case .failure(let diagnostic) = tight.check(Array("a: &x [1, 2]\nb: *x\n".utf8)) else {
            Issue.record("nine nodes passed a budget of eight")
            return
        }
        #expect(diagnostic.location == SourceLocation(file: "f.yaml", line: 2, column: 4))
    }

    @Test("too many aliases in one file is an error at the first one past the limit")
    func aliasCount() async throws {
        let aliases = (0..<5).map { "  k\($0): *v" }.joined(separator: "\n")
        let text = infrastructure + "vars:\n  v: &v 1\n" + aliases + "\n"
        let error = try onlyError(await load(["infrastructures/dev.yaml": text], limits: RepositoryLimits(maximumAliases: 4)))
        #expect(error.location == SourceLocation(file: "infrastructures/dev.yaml", line: 12, column: 7))
        #expect(error.message == "more than 4 YAML aliases in one file")
        #expect(error.hint?.contains("limits:") == true)
    }

    @Test("deep nesting is an error at the level past the limit, even 100,000 levels deep")
    func nesting() async throws {
        // The document is level 1, `vars` level 2, so the 63rd `[` is level 65 and the error is there.
        // Past libyaml's own limit (1,000), its read-ahead stops first: the error is at the run's second `[`, where libyaml stops.
        for (depth, column) in [(70, 6 + 62), (100_000, 7)] {
            let text = infrastructure + "vars:\n  x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
            let error = try onlyError(await load(["infrastructures/dev.yaml": text]))
            #expect(error.location == SourceLocation(file: "infrastructures/dev.yaml", line: 7, column: column))
            #expect(error.message == "YAML nested more than 64 levels deep")
        }
        let blocks = (0..<80).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n")
        let error = try onlyError(await load(["infrastructures/dev.yaml": infrastructure + blocks + " 1\n"]))
        #expect(error.message == "YAML nested more than 64 levels deep")
        #expect(error.location.line == 6 + 64)
    }

    @Test("documents are counted across files")
    func documents() async throws {
        let many = Array(repeating: "---\nkind: Infrastructure\nname: x\n", count: 3).joined()
        let result = await load(
            ["infrastructures/a.yaml": infrastructure, "infrastructures/b.yaml": many], limits: RepositoryLimits(maximumDocuments: 3))
        let error = try onlyError(result)
        #expect(error.location == SourceLocation(file: "infrastructures/b.yaml", line: 7, column: 1))
        #expect(error.message == "more than 3 YAML documents in the repository")
    }

    @Test("a manifest larger than the limit is refused without being parsed")
    func manifestSize() async throws {
        let large = infrastructure + "vars:\n" + (0..<200).map { "  v\($0): \"\(String(repeating: "x", count: 40))\"" }.joined(separator: "\n")
        let error = try onlyError(await load(["infrastructures/dev.yaml": large], limits: RepositoryLimits(maximumManifestBytes: 4096)))
        #expect(error.location == SourceLocation(file: "infrastructures/dev.yaml"))
        #expect(error.message.hasPrefix("the file is "))
        #expect(error.message.hasSuffix("more than the 4 KiB a manifest may be"))
        // A large YAML file of another tool is not Terrace's concern.
        let result = await load(
            ["infrastructures/dev.yaml": infrastructure, "charts/values.yaml": "kind: x\n" + large.replacingOccurrences(of: "kind: Infrastructure", with: "")],
            limits: RepositoryLimits(maximumManifestBytes: 4096))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test("too many files, or too many bytes, is an error at the repository root")
    func filesAndBytes() async throws {
        var files = ["infrastructures/dev.yaml": infrastructure]
        for index in 0..<20 { files["docs/page\(index).md"] = String(repeating: "text ", count: 100) }
        let tooMany = try onlyError(await load(files, limits: RepositoryLimits(maximumFiles: 20)))
        #expect(tooMany.location == SourceLocation(file: "/repo"))
        #expect(tooMany.message == "the repository holds more than 20 files")
        let tooLarge = try onlyError(await load(files, limits: RepositoryLimits(maximumRepositoryBytes: 9_000)))
        #expect(tooLarge.location == SourceLocation(file: "/repo"))
        #expect(tooLarge.message.contains("more than 8.7 KiB"))
        #expect(tooLarge.hint?.contains("docs/page") == true)
        #expect(await load(files, limits: RepositoryLimits(maximumFiles: 21)).repository != nil)
    }

    @Test("binary garbage and invalid UTF-8 in a manifest are errors at the offending byte; elsewhere they are skipped")
    func binaryAndInvalidUTF8() async throws {
        let binary = try onlyError(await load([:], bytes: ["infrastructures/blob.yaml": [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00, 0xFF]]))
        #expect(binary.location == SourceLocation(file: "infrastructures/blob.yaml", line: 1, column: 1))
        #expect(binary.message == "not a text file: byte 0x7F is a control character")

        let invalid = Array((infrastructure + "vars:\n  city: \"Z").utf8) + [0xFC] + Array("rich\"\n".utf8)
        let error = try onlyError(await load([:], bytes: ["prod.yaml": invalid]))
        #expect(error.location == SourceLocation(file: "prod.yaml", line: 7, column: 11))
        #expect(error.message == "not valid UTF-8: byte 0xFC is not part of a character")

        // Overlong encodings and surrogates are not UTF-8 either.
        #expect(ManifestBytes.firstInvalidUTF8(in: [0x61, 0xC0, 0xAF]) == 1)
        #expect(ManifestBytes.firstInvalidUTF8(in: [0xED, 0xA0, 0x80]) == 0)
        #expect(ManifestBytes.firstInvalidUTF8(in: Array("zürich ✓ 🙂".utf8)) == nil)

        let foreign = await load(["infrastructures/dev.yaml": infrastructure], bytes: ["assets/logo.yaml": [0x00, 0xFF, 0x01]])
        #expect(foreign.diagnostics.isEmpty, "\(foreign.diagnostics)")
    }

    @Test("terrace.yaml may change the limits; a wrong limits block is an error")
    func projectLimits() async throws {
        let deep = infrastructure + "vars:\n  x: [[[[1]]]]\n"
        let lowered = try onlyError(await load(["terrace.yaml": "kind: Project\nlimits:\n  depth: 4\n", "infrastructures/dev.yaml": deep]))
        #expect(lowered.message == "YAML nested more than 4 levels deep")

        let raised = await load(
            ["terrace.yaml": "kind: Project\nlimits: {aliases: 10}\n", "infrastructures/dev.yaml": infrastructure + "vars:\n  a: &a 1\n  b: *a\n  c: *a\n"],
            limits: RepositoryLimits(maximumAliases: 1))
        #expect(raised.repository != nil, "\(raised.diagnostics)")

        let wrong = await load(["terrace.yaml": "kind: Project\nlimits:\n  depht: 4\n  files: 0\n"])
        let messages = wrong.diagnostics.filter { $0.severity == .error }.map { "\($0.location) \($0.message)" }
        #expect(messages.contains("terrace.yaml:3:3 unknown key `depht` in `limits`"))
        #expect(messages.contains { $0.hasPrefix("terrace.yaml:4:10 `limits.files` must be between 1 and") })
    }

    @Test("a manifest without kind gets a warning when it looks like an infrastructure")
    func kindless() async throws {
        let withoutKind = infrastructure.replacingOccurrences(of: "kind: Infrastructure\n", with: "")
        let result = await load([
            "clusters/dev.yaml": withoutKind,
            "infrastructures/notes.yaml": "owner: platform\n",
            "k8s/values.yaml": "name: web\nreplicas: 2\n",
        ])
        let warnings = result.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.location) == [
            SourceLocation(file: "clusters/dev.yaml", line: 1, column: 1),
            SourceLocation(file: "infrastructures/notes.yaml", line: 1, column: 1),
        ])
        #expect(warnings.allSatisfy { $0.message == "this document has no `kind`, so Terrace ignores it" })
        #expect(result.repository?.infrastructures.isEmpty == true)
    }

    @Test("apiVersion terrace.dev/v1alpha1 is accepted; any other is an error naming the supported ones")
    func apiVersion() async throws {
        let versioned = "apiVersion: terrace.dev/v1alpha1\n" + infrastructure
        let accepted = await load(["terrace.yaml": "apiVersion: terrace.dev/v1alpha1\nkind: Project\nname: acme\n", "infrastructures/dev.yaml": versioned])
        #expect(accepted.diagnostics.isEmpty, "\(accepted.diagnostics)")
        #expect(accepted.repository?.project.name == "acme")
        #expect(accepted.repository?.infrastructures.map(\.name) == ["dev"])

        let future = try onlyError(await load(["infrastructures/dev.yaml": "apiVersion: terrace.dev/v2\n" + infrastructure]))
        #expect(future.location == SourceLocation(file: "infrastructures/dev.yaml", line: 1, column: 13))
        #expect(future.message == "unsupported apiVersion `terrace.dev/v2`")
        #expect(future.hint?.contains("`terrace.dev/v1alpha1`") == true)

        let project = try onlyError(await load(["terrace.yaml": "kind: Project\napiVersion: [v1]\n"]))
        #expect(project.location == SourceLocation(file: "terrace.yaml", line: 2, column: 13))
        #expect(project.message == "`apiVersion` must be a string")
    }
}
