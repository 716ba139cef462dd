import Yams

extension RepoLoader {
    /// What reading one YAML file of the repository gave.
    enum ManifestRead {
        /// Not Terrace's, or unreadable in a way that only matters for Terrace's files.
        case skipped
        /// Terrace's, and refused (too large, binary, not UTF-8, unreadable).
        case refused(Diagnostic)
        /// Text to parse; `isTerraces` when its problems are Terrace's to report.
        case text(String, isTerraces: Bool)
    }

    /// The folder that holds infrastructure manifests; every YAML file in it is taken to be Terrace's.
    static let infrastructuresFolder = "infrastructures/"

    /// The limits in force: the loader's, changed by a `limits:` block of `terrace.yaml` if it has one.
    /// Problems of the block are returned; other problems of `terrace.yaml` are reported when it is loaded.
    func projectLimits(root: String) -> (RepositoryLimits, [Diagnostic]) {
        let path = RepoPath.join(root, Self.projectFile)
        guard fileSystem.kind(of: path) == .file,
            case .text(let text, _) = readManifest(path: path, relative: Self.projectFile, limits: limits),
            case .success = YAMLBudget(limits: limits, file: Self.projectFile).check(Array(text.utf8)),
            var sequence = try? Yams.compose_all(yaml: text, .basic)
        else { return (limits, []) }
        while let node = sequence.next() {
            guard let (kind, _) = ManifestDecoder.kind(of: node), kind == "Project" else { continue }
            guard case .mapping(let mapping) = node, let block = mapping["limits"] else { return (limits, []) }
            return Self.decodeLimits(block, base: limits)
        }
        return (limits, [])
    }

    /// A `limits:` block applied to `base`.
    static func decodeLimits(_ node: Node, base: RepositoryLimits) -> (RepositoryLimits, [Diagnostic]) {
        var reader = NodeReader(file: projectFile)
        var limits = base
        guard let entries = reader.mapping(node, "limits") else { return (limits, reader.diagnostics) }
        reader.checkKeys(entries, allowed: RepositoryLimits.keys.map(\.key), in: "limits")
        for entry in entries {
            guard let key = RepositoryLimits.keys.first(where: { $0.key == entry.key }) else { continue }
            if let value = reader.integer(entry.value, "limits.\(key.key)", in: 1...key.ceiling) {
                limits[keyPath: key.path] = value
            }
        }
        return (limits, reader.diagnostics)
    }

    /// The problem of a listing that failed, at the repository root.
    static func listingDiagnostic(_ error: FileSystemError, root: String, limits: RepositoryLimits) -> Diagnostic {
        guard error.code == .tooManyFiles else { return .error(SourceLocation(file: root), error.description) }
        return .error(
            SourceLocation(file: root), "the repository holds more than \(RepositoryLimits.format(limits.maximumFiles)) files",
            hint: "hidden folders are not counted; move other content out, or raise `limits: {files: N}` in terrace.yaml")
    }

    /// An error when the files add up to more than the limit, naming the largest.
    func checkTotalSize(root: String, files: [String], limits: RepositoryLimits) -> Diagnostic? {
        var total = 0
        var largest: (file: String, size: Int) = ("", 0)
        for file in files {
            let size = fileSystem.size(of: RepoPath.join(root, file)) ?? 0
            total = total > Int.max - size ? Int.max : total + size
            if size > largest.size { largest = (file, size) }
        }
        guard total > limits.maximumRepositoryBytes else { return nil }
        return .error(
            SourceLocation(file: root),
            "the repository's files add up to \(RepositoryLimits.formatBytes(total)), more than "
                + RepositoryLimits.formatBytes(limits.maximumRepositoryBytes),
            hint: "the largest is `\(largest.file)` (\(RepositoryLimits.formatBytes(largest.size))); "
                + "raise `limits: {repository_bytes: N}` in terrace.yaml if this is intended")
    }

    /// Reads one YAML file within the limits. `terrace.yaml`, files in `infrastructures/` and files that name a
    /// Terrace kind are Terrace's: their problems are errors. Other files are skipped when they cannot be read.
    func readManifest(path: String, relative: String, limits: RepositoryLimits) -> ManifestRead {
        let inTerracePlace = relative == Self.projectFile || relative.hasPrefix(Self.infrastructuresFolder)
        let tooLarge = { (size: Int) -> Diagnostic in
            .error(
                SourceLocation(file: relative),
                "the file is \(RepositoryLimits.formatBytes(size)), more than the "
                    + "\(RepositoryLimits.formatBytes(limits.maximumManifestBytes)) a manifest may be",
                hint: "split it, or raise `limits: {manifest_bytes: N}` in terrace.yaml")
        }
        if inTerracePlace, let size = fileSystem.size(of: path), size > limits.maximumManifestBytes {
            return .refused(tooLarge(size))
        }
        guard let bytes = try? fileSystem.readFile(path) else {
            return .refused(.error(SourceLocation(file: relative), "cannot read file"))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let isTerraces = inTerracePlace || Self.mentionsTerraceKind(text)
        if bytes.count > limits.maximumManifestBytes { return isTerraces ? .refused(tooLarge(bytes.count)) : .skipped }
        if let problem = ManifestBytes.problem(in: bytes, file: relative) { return isTerraces ? .refused(problem) : .skipped }
        // Files that may hold a kind-less manifest (`name` and `cloud`) are read too, to warn about them.
        let worthParsing = isTerraces || text.contains("kind") || (text.contains("cloud") && text.contains("name"))
        return worthParsing ? .text(text, isTerraces: isTerraces) : .skipped
    }

    /// Whether the text names a Terrace kind.
    static func mentionsTerraceKind(_ text: String) -> Bool {
        text.contains("kind: Infrastructure") || text.contains("kind: Project")
            || text.contains("kind: \"Infrastructure\"") || text.contains("kind: 'Infrastructure'")
    }
}
