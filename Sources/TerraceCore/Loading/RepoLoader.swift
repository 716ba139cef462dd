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

    /// Creates a loader.
    public init(fileSystem: any FileSystem, builtinModules: String?, fetcher: (any ModuleFetcher)? = nil) {
        self.fileSystem = fileSystem
        self.builtinModules = builtinModules
        self.fetcher = fetcher
    }

    /// The project file's name, at the repository root.
    public static let projectFile = "terrace.yaml"

    /// Loads the repository at `root` (an absolute folder).
    public func load(_ root: String) async -> LoadResult {
        let root = RepoPath.normalize(root)
        var diagnostics: [Diagnostic] = []
        let files: [String]
        do {
            files = try fileSystem.listFiles(under: root)
        } catch {
            return LoadResult(repository: nil, diagnostics: [.error(SourceLocation(file: root), error.description)])
        }

        // Step 1: parse every YAML file; keep the documents that are Terrace's.
        let documents = parseDocuments(root: root, files: files, diagnostics: &diagnostics)

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

    private func parseDocuments(root: String, files: [String], diagnostics: inout [Diagnostic]) -> [Document] {
        var documents: [Document] = []
        for relative in files where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
            let path = RepoPath.join(root, relative)
            guard let text = try? fileSystem.readText(path) else {
                diagnostics.append(.error(SourceLocation(file: relative), "cannot read file"))
                continue
            }
            let looksLikeManifest = text.contains("kind") || relative == Self.projectFile
            guard looksLikeManifest else { continue }
            let nodes: [Node]
            do {
                // compose_all parses lazily and keeps a syntax error on the sequence instead of throwing it.
                var sequence = try Yams.compose_all(yaml: text, .basic)
                var parsed: [Node] = []
                while let node = sequence.next() { parsed.append(node) }
                if let error = sequence.error { throw error }
                nodes = parsed
            } catch {
                if mentionsTerraceKind(text) || relative == Self.projectFile {
                    diagnostics.append(Self.diagnostic(for: error, file: relative))
                }
                continue
            }
            for node in nodes {
                guard let (kind, kindNode) = ManifestDecoder.kind(of: node) else {
                    if relative == Self.projectFile {
                        diagnostics.append(
                            .error(SourceLocation(file: relative, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1),
                                "terrace.yaml has no `kind: Project`", hint: "add `kind: Project` at the top"))
                    }
                    continue
                }
                if kind == "Infrastructure" || kind == "Project" {
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

    private func mentionsTerraceKind(_ text: String) -> Bool {
        text.contains("kind: Infrastructure") || text.contains("kind: Project")
            || text.contains("kind: \"Infrastructure\"") || text.contains("kind: 'Infrastructure'")
    }

    /// A YAML syntax error as a diagnostic with the parser's line and column.
    static func diagnostic(for error: any Error, file: String) -> Diagnostic {
        guard let yamlError = error as? YamlError else {
            return .error(SourceLocation(file: file), "invalid YAML")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " \(context.text)" }
            return .error(SourceLocation(file: file, line: mark.line, column: mark.column), message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return .error(
                SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                "duplicate key \(names) in a mapping", hint: "each key may appear once; merge the entries")
        case .reader(let problem, _, _, _):
            return .error(SourceLocation(file: file), "unreadable YAML: \(problem)")
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
