import Yams

/// Turns the YAML documents of a repository's files into ``Project`` and ``Infrastructure`` values.
///
/// Decoding never stops at the first problem: every problem of a document is reported with its location,
/// and a document with problems yields no value.
struct ManifestDecoder {
    /// The repository root (absolute), which local module paths must stay inside.
    let root: String
    /// The file being decoded, absolute.
    let path: String
    /// Collects diagnostics; locations use the repo-relative file name.
    var reader: NodeReader
    /// The addons an `addons` section may enable.
    var catalogue = AddonCatalogue()

    init(root: String, path: String) {
        self.root = root
        self.path = path
        self.reader = NodeReader(file: RepoPath.relative(path, to: root) ?? path)
    }

    static let projectKeys = ["kind", "name", "vars", "terraform", "prune", "apps", "timeout", "apiVersion", "limits"]
    static let infrastructureKeys = [
        "kind", "name", "vars", "drift", "approval", "cloud", "backend", "network", "domain", "kubernetes", "addons", "units", "apps",
        "apiVersion",
    ]

    /// The value of the document's `kind` key, if it is a mapping with a string `kind`.
    static func kind(of node: Node) -> (String, Node)? {
        guard case .mapping(let mapping) = node, let kindNode = mapping["kind"],
            case .scalar(let scalar) = kindNode
        else { return nil }
        return (scalar.string, kindNode)
    }

    /// Decodes a `kind: Project` document.
    mutating func decodeProject(_ node: Node, defaultName: String) -> Project? {
        guard let entries = reader.mapping(node, "Project") else { return nil }
        let before = reader.diagnostics.count
        reader.checkKeys(entries, allowed: Self.projectKeys, in: "Project")
        var project = Project(name: defaultName, location: reader.location(of: node))
        for entry in entries {
            switch entry.key {
            case "name":
                if let name = reader.string(entry.value, "name") {
                    if let problem = NameRules.checkName(name) {
                        reader.error(entry.value, "project name `\(name)` \(problem)")
                    }
                    project.name = name
                }
            case "vars": project.vars = decodeVars(entry.value, "vars")
            case "prune": project.prune = reader.bool(entry.value, "prune") ?? false
            case "terraform": project.terraform = decodeTerraform(entry.value)
            case "apps": project.apps = decodeApps(entry.value, inProject: true)
            case "timeout": project.timeout = decodeTimeout(entry.value, "timeout")
            default: break
            }
        }
        return reader.diagnostics.count == before ? project : nil
    }

    private mutating func decodeTerraform(_ node: Node) -> TerraformSettings {
        var settings = TerraformSettings()
        guard let entries = reader.mapping(node, "terraform") else { return settings }
        reader.checkKeys(entries, allowed: ["binary", "parallelism"], in: "terraform")
        for entry in entries {
            switch entry.key {
            case "binary":
                guard let text = reader.string(entry.value, "terraform.binary") else { continue }
                switch TerraformSettings.Binary.parse(text) {
                case .success(let binary): settings.binary = binary
                case .failure(let problem): reader.error(entry.value, problem.message, hint: problem.hint)
                }
            case "parallelism":
                settings.parallelism = reader.integer(entry.value, "terraform.parallelism", in: 1...64) ?? 4
            default: break
            }
        }
        return settings
    }

    /// Decodes a map of variables (`vars`), whose keys must be identifiers.
    mutating func decodeVars(_ node: Node, _ what: String) -> [String: Value] {
        guard let entries = reader.mapping(node, what) else { return [:] }
        var vars: [String: Value] = [:]
        for entry in entries {
            if let problem = NameRules.checkIdentifier(entry.key) {
                reader.error(entry.keyLocation, "variable name `\(entry.key)` \(problem)")
            }
            vars[entry.key] = reader.value(entry.value, "\(what).\(entry.key)")
        }
        return vars
    }

    /// Resolves a `module:` value: a local path relative to the manifest, or a `git::` URL.
    mutating func decodeModuleSource(_ node: Node, _ what: String) -> ModuleSource? {
        guard let text = reader.string(node, what) else { return nil }
        if text.hasPrefix("git::") {
            switch GitModuleSource.parse(text) {
            case .success(let source): return .git(source)
            case .failure(let failure):
                reader.error(node, failure.message, hint: "write `git::https://host/repo.git//subdir?ref=TAG`")
                return nil
            }
        }
        if text.hasPrefix("/") {
            reader.error(node, "module path `\(text)` must be relative to the manifest", hint: "write `./modules/NAME`")
            return nil
        }
        guard text.hasPrefix("./") || text.hasPrefix("../") || text == "." else {
            reader.error(
                node, "unsupported module source `\(text)`",
                hint: "use a local path starting with `./` or `../`, or `git::https://host/repo.git//subdir?ref=TAG`")
            return nil
        }
        let resolved = RepoPath.join(RepoPath.directory(of: path), text)
        guard RepoPath.isInside(resolved, root: root) else {
            reader.error(node, "module path `\(text)` leaves the repository", hint: "modules must live inside the repository")
            return nil
        }
        return .local(resolved)
    }
}
