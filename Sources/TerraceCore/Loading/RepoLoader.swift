import Yams

/// Loads a repository: finds its manifests, decodes them, resolves and reads their modules, validates
/// every unit and builds the unit graphs, reporting all problems found in one pass.
public struct RepoLoader: Sendable {
    /// Where files are read.
    public var fileSystem: any FileSystem
    /// The folder holding the built-in modules (`aws/network`, …), if known.
    public var builtinModules: String?
    /// Fetches `git::` module sources; without one, git sources are an error.
    public var fetcher: (any ModuleFetcher)?
    /// What a repository may cost to load, unless its `terrace.yaml` sets other limits.
    public var limits: RepositoryLimits

    /// Creates a loader.
    public init(
        fileSystem: any FileSystem, builtinModules: String?, fetcher: (any ModuleFetcher)? = nil,
        limits: RepositoryLimits = .defaults
    ) {
        self.fileSystem = fileSystem
        self.builtinModules = builtinModules
        self.fetcher = fetcher
        self.limits = limits
    }

    /// The project file's name, at the repository root.
    public static let projectFile = "terrace.yaml"

    /// Loads the repository at `root` (an absolute folder).
    public func load(_ root: String) async -> LoadResult {
        let root = RepoPath.normalize(root)
        // Step 0: the limits (terrace.yaml may set them), then what the repository holds, before reading it.
        let (limits, limitProblems) = projectLimits(root: root)
        var diagnostics = limitProblems
        let files: [String]
        do {
            files = try fileSystem.listFiles(under: root, atMost: limits.maximumFiles)
        } catch {
            return LoadResult(repository: nil, diagnostics: diagnostics + [Self.listingDiagnostic(error, root: root, limits: limits)])
        }
        if let problem = checkTotalSize(root: root, files: files, limits: limits) {
            return LoadResult(repository: nil, diagnostics: diagnostics + [problem])
        }

        // Step 1: parse every YAML file; keep the documents that are Terrace's.
        let documents = parseDocuments(root: root, files: files, limits: limits, diagnostics: &diagnostics)

        // Step 2: the project (terrace.yaml at the root), then every infrastructure.
        let defaultName = NameRules.checkName(RepoPath.lastComponent(of: root)) == nil
            ? RepoPath.lastComponent(of: root) : "terrace"
        var project = Project(name: defaultName)
        for document in documents where document.kind == "Project" {
            var decoder = ManifestDecoder(root: root, path: document.path)
            if document.relativePath != Self.projectFile {
                diagnostics.append(
                    .error(
                        decoder.reader.location(of: document.node), "a `kind: Project` document must be in `terrace.yaml` at the repository root",
                        hint: "move it to terrace.yaml"))
                continue
            }
            if let decoded = decoder.decodeProject(document.node, defaultName: defaultName) { project = decoded }
            diagnostics += decoder.reader.diagnostics
        }
        var infrastructures: [Infrastructure] = []
        var incompleteUnits: [String: Set<String>] = [:]
        var seen: [String: SourceLocation] = [:]
        let (catalogue, catalogueProblems) = loadCatalogue()
        diagnostics += catalogueProblems
        for document in documents where document.kind == "Infrastructure" {
            var decoder = ManifestDecoder(root: root, path: document.path)
            decoder.catalogue = catalogue
            let decoded = decoder.decodeInfrastructure(document.node, project: project)
            diagnostics += decoder.reader.diagnostics
            guard let decoded else { continue }
            let infrastructure = decoded.infrastructure
            if let first = seen[infrastructure.name] {
                diagnostics.append(
                    .error(infrastructure.location, "duplicate infrastructure name `\(infrastructure.name)`", hint: "first declared at \(first)"))
                continue
            }
            seen[infrastructure.name] = infrastructure.location
            incompleteUnits[infrastructure.name] = decoded.incompleteUnits
            infrastructures.append(infrastructure)
        }
        infrastructures.sort { $0.name < $1.name }
        diagnostics += Self.checkProjectApps(project, infrastructures: infrastructures)

        // Step 3: resolve and read every module once.
        let (modules, moduleProblems) = await resolveModules(root: root, infrastructures: infrastructures)
        diagnostics += moduleProblems

        // Step 4: validate units against their modules, and build the graphs.
        var graphs: [String: UnitGraph] = [:]
        let validator = UnitValidator(project: project, modules: modules)
        for infrastructure in infrastructures {
            diagnostics += validator.validate(infrastructure, incompleteUnits: incompleteUnits[infrastructure.name] ?? [])
            let (graph, cycles) = UnitGraph.build(infrastructure)
            graphs[infrastructure.name] = graph
            diagnostics += cycles
        }

        let sorted = Array(Set(diagnostics)).sortedByLocation()
        guard !sorted.hasErrors else { return LoadResult(repository: nil, diagnostics: sorted) }
        let repository = Repository(
            root: root, project: project, infrastructures: infrastructures, modules: modules, graphs: graphs)
        return LoadResult(repository: repository, diagnostics: sorted)
    }

    /// A YAML document of a Terrace kind.
    struct Document {
        let path: String
        let relativePath: String
        let kind: String
        let node: Node
    }

    private func parseDocuments(root: String, files: [String], limits: RepositoryLimits, diagnostics: inout [Diagnostic]) -> [Document] {
        var documents: [Document] = []
        var documentCount = 0
        for relative in files where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
            let path = RepoPath.join(root, relative)
            let text: String
            let isTerraces: Bool
            switch readManifest(path: path, relative: relative, limits: limits) {
            case .skipped: continue
            case .refused(let problem):
                diagnostics.append(problem)
                continue
            case .text(let read, let terraces):
                text = read
                isTerraces = terraces
            }
            // A Terrace-looking file's YAML problems are errors; other tools' files are only skipped.
            switch YAMLBudget(limits: limits, file: relative).check(Array(text.utf8), documentsBefore: documentCount) {
            case .failure(let problem):
                if isTerraces { diagnostics.append(problem) }
                continue
            case .success(let usage):
                if isTerraces { documentCount += usage.documents }
            }
            let nodes: [Node]
            do {
                // compose_all parses lazily and keeps a syntax error on the sequence instead of throwing it.
                var sequence = try Yams.compose_all(yaml: text, .basic)
                var parsed: [Node] = []
                while let node = sequence.next() { parsed.append(node) }
                if let error = sequence.error { throw error }
                nodes = parsed
            } catch {
                if isTerraces { diagnostics.append(Self.diagnostic(for: error, file: relative, text: text)) }
                continue
            }
            for node in nodes {
                guard let (kind, kindNode) = ManifestDecoder.kind(of: node) else {
                    if relative == Self.projectFile {
                        diagnostics.append(
                            .error(SourceLocation(file: relative, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1),
                                "terrace.yaml has no `kind: Project`", hint: "add `kind: Project` at the top"))
                    } else if let warning = Self.kindlessWarning(node, file: relative) {
                        diagnostics.append(warning)
                    }
                    continue
                }
                if kind == "Infrastructure" || kind == "Project" {
                    if let problem = Self.apiVersionProblem(node, file: relative) {
                        diagnostics.append(problem)
                        continue
                    }
                    documents.append(Document(path: path, relativePath: relative, kind: kind, node: node))
                } else if let suggestion = Suggestions.closest(to: kind, in: ["Infrastructure", "Project"]) {
                    let mark = kindNode.mark
                    diagnostics.append(
                        .error(
                            SourceLocation(file: relative, line: mark?.line ?? 0, column: mark?.column ?? 0),
                            "unknown kind `\(kind)`", hint: "did you mean `\(suggestion)`?"))
                }
            }
        }
        return documents
    }

    /// A YAML syntax error as a diagnostic with the parser's line and column.
    /// `text` (the file's) places the error inside the file: libyaml's mark can be one line past the end of a file
    /// without a final newline, and a reader error has only a byte offset.
    static func diagnostic(for error: any Error, file: String, text: String = "") -> Diagnostic {
        guard let yamlError = error as? YamlError else {
            return .error(SourceLocation(file: file), "invalid YAML")
        }
        let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " \(context.text)" }
            if !text.isEmpty && mark.line > lines {
                // Past the end: the end of the last line.
                let last = text.split(separator: "\n", omittingEmptySubsequences: false).last.map { $0.count + 1 } ?? 1
                return .error(SourceLocation(file: file, line: lines, column: last), message)
            }
            return .error(SourceLocation(file: file, line: mark.line, column: mark.column), message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return .error(
                SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                "duplicate key \(names) in a mapping", hint: "each key may appear once; merge the entries")
        case .reader(let problem, let offset, _, _):
            guard let offset, offset >= 0, offset <= text.utf8.count else {
                return .error(SourceLocation(file: file), "unreadable YAML: \(problem)")
            }
            let before = text.utf8.prefix(offset)
            let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { before.index(after: $0) } ?? before.startIndex
            let column = String(decoding: before[lineStart...], as: UTF8.self).unicodeScalars.count + 1
            return .error(SourceLocation(file: file, line: line, column: column), "unreadable YAML: \(problem)")
        default:
            return .error(SourceLocation(file: file), "invalid YAML")
        }
    }

    /// Problems of the apps of `terrace.yaml`: a name used twice, or an infrastructure named that does not exist.
    static func checkProjectApps(_ project: Project, infrastructures: [Infrastructure]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        let names = infrastructures.map(\.name)
        for app in project.apps {
            if let first = seen[app.unit.name] {
                diagnostics.append(.error(app.unit.location, "duplicate app name `\(app.unit.name)`", hint: "first declared at \(first)"))
            }
            seen[app.unit.name] = seen[app.unit.name] ?? app.unit.location
            for limit in app.infrastructures ?? [] where !names.contains(limit.value) {
                diagnostics.append(.error(
                    limit.location, "app `\(app.unit.name)` is limited to unknown infrastructure `\(limit.value)`",
                    hint: Suggestions.closest(to: limit.value, in: names).map { "did you mean `\($0)`?" }
                        ?? "infrastructures: " + names.joined(separator: ", ")))
            }
        }
        return diagnostics
    }

    /// The addon catalogue beside the built-in modules; empty (every addon unknown) without them.
    func loadCatalogue() -> (AddonCatalogue, [Diagnostic]) {
        guard let builtinModules else { return (AddonCatalogue(), []) }
        let path = RepoPath.join(builtinModules, AddonCatalogue.path)
        guard fileSystem.kind(of: path) == .file else { return (AddonCatalogue(), []) }
        guard let text = try? fileSystem.readText(path) else {
            return (AddonCatalogue(), [.error(SourceLocation(file: AddonCatalogue.displayFile), "the addon catalogue cannot be read")])
        }
        return AddonCatalogue.decode(text)
    }
}
