extension RepoLoader {
    /// Resolves every distinct module source used by `infrastructures`, reading each module once.
    /// Problems are reported at every unit that names the module.
    func resolveModules(root: String, infrastructures: [Infrastructure]) async -> ([ModuleSource: ResolvedModule], [Diagnostic]) {
        var users: [ModuleSource: [SourceLocation]] = [:]
        var order: [ModuleSource] = []
        for infrastructure in infrastructures {
            for unit in infrastructure.units where unit.module != .local("") {
                if users[unit.module] == nil { order.append(unit.module) }
                users[unit.module, default: []].append(unit.moduleLocation)
            }
        }
        let checkouts = await fetchGitSources(order)
        var modules: [ModuleSource: ResolvedModule] = [:]
        var diagnostics: [Diagnostic] = []
        for source in order {
            if case .kubernetes(let kind) = source {
                modules[source] = kind.module(repositoryRoot: root)
                continue
            }
            let locations = users[source] ?? []
            switch locate(source, root: root, checkouts: checkouts) {
            case .failure(let problem):
                diagnostics += locations.map { .error($0, problem.message, hint: problem.hint) }
            case .success(let (directory, displayName)):
                switch read(source: source, directory: directory, displayName: displayName, root: root) {
                case .success(let module):
                    modules[source] = module
                    diagnostics += module.declarations.diagnostics
                case .failure(let problem):
                    diagnostics += locations.map { .error($0, problem.message, hint: problem.hint) }
                }
            }
        }
        return (modules, diagnostics)
    }

    /// Why a module could not be used.
    struct ModuleProblem: Error {
        let message: String
        var hint: String?
    }

    private func fetchGitSources(_ sources: [ModuleSource]) async -> [GitModuleSource: Result<String, ModuleFetchError>] {
        let gitSources = Set(sources.compactMap { source -> GitModuleSource? in
            if case .git(let git) = source { return GitModuleSource(url: git.url, ref: git.ref) }
            return nil
        })
        guard !gitSources.isEmpty else { return [:] }
        guard let fetcher else {
            return Dictionary(uniqueKeysWithValues: gitSources.map { ($0, .failure(ModuleFetchError("git module sources need git"))) })
        }
        return await withTaskGroup(of: (GitModuleSource, Result<String, ModuleFetchError>).self) { group in
            for source in gitSources {
                group.addTask {
                    do throws(ModuleFetchError) {
                        return (source, .success(try await fetcher.fetch(source)))
                    } catch {
                        return (source, .failure(error))
                    }
                }
            }
            var results: [GitModuleSource: Result<String, ModuleFetchError>] = [:]
            for await (source, result) in group { results[source] = result }
            return results
        }
    }

    private func locate(
        _ source: ModuleSource, root: String, checkouts: [GitModuleSource: Result<String, ModuleFetchError>]
    ) -> Result<(String, String), ModuleProblem> {
        switch source {
        case .builtin(let path):
            guard let builtinModules else {
                return .failure(ModuleProblem(
                    message: "built-in module `\(path)` not found: Terrace's modules folder is missing",
                    hint: "reinstall Terrace with its modules, or set TERRACE_MODULES_DIR"))
            }
            return .success((RepoPath.join(builtinModules, path), "builtin:\(path)"))
        case .local(let path):
            // `../` is refused when decoding; a symbolic link could still lead outside, so follow the links.
            guard RepoPath.isInside(fileSystem.resolvingSymbolicLinks(path), root: fileSystem.resolvingSymbolicLinks(root)) else {
                return .failure(ModuleProblem(
                    message: "module path `\(RepoPath.relative(path, to: root) ?? path)` leaves the repository through a symbolic link",
                    hint: "modules must live inside the repository; copy the module in instead of linking to it"))
            }
            return .success((path, RepoPath.relative(path, to: root) ?? path))
        case .kubernetes(let kind):
            return .success((root, "kubernetes:\(kind.rawValue)"))
        case .git(let git):
            switch checkouts[GitModuleSource(url: git.url, ref: git.ref)] {
            case .success(let checkout):
                let directory = git.subdirectory.isEmpty ? checkout : RepoPath.join(checkout, git.subdirectory)
                guard RepoPath.isInside(directory, root: checkout),
                    RepoPath.isInside(fileSystem.resolvingSymbolicLinks(directory), root: fileSystem.resolvingSymbolicLinks(checkout))
                else {
                    return .failure(ModuleProblem(message: "git module subdirectory leaves the repository"))
                }
                return .success((directory, git.description))
            case .failure(let error):
                return .failure(ModuleProblem(message: error.message))
            case nil:
                return .failure(ModuleProblem(message: "git module `\(git)` was not fetched"))
            }
        }
    }

    private func read(source: ModuleSource, directory: String, displayName: String, root: String) -> Result<ResolvedModule, ModuleProblem> {
        guard fileSystem.kind(of: directory) == .directory else {
            return .failure(ModuleProblem(
                message: "module `\(displayName)` not found",
                hint: fileSystem.kind(of: directory) == .file ? "the path names a file; name the module's folder" : "no folder at that path"))
        }
        let files: [String]
        do {
            files = try fileSystem.listFiles(under: directory)
        } catch {
            return .failure(ModuleProblem(message: "module `\(displayName)` cannot be read: \(error.description)"))
        }
        let topLevel = files.filter { !$0.contains("/") && ($0.hasSuffix(".tf") || $0.hasSuffix(".tf.json")) }
        guard !topLevel.isEmpty else {
            return .failure(ModuleProblem(
                message: "module `\(displayName)` has no Terraform files", hint: "a module is a folder of .tf files"))
        }
        var digest = ContentDigest()
        var declarations: [ModuleDeclarations] = []
        // Where the module's files are shown: repo-relative for local modules, the cached checkout for git ones.
        let displayRoot: String =
            switch source {
            case .local: RepoPath.relative(directory, to: root) ?? directory
            case .git: directory
            case .builtin, .kubernetes: displayName
            }
        for file in files {
            let path = RepoPath.join(directory, file)
            guard let bytes = try? fileSystem.readFile(path) else {
                return .failure(ModuleProblem(message: "module file `\(displayRoot)/\(file)` cannot be read"))
            }
            digest.add(file)
            digest.add(bytes: bytes)
            guard !file.contains("/") else { continue }
            let shown = "\(displayRoot)/\(file)"
            if file.hasSuffix(".tf") {
                declarations.append(ModuleDeclarations.read(hcl: String(decoding: bytes, as: UTF8.self), path: shown))
            } else if file.hasSuffix(".tf.json") {
                declarations.append(ModuleDeclarations.read(json: String(decoding: bytes, as: UTF8.self), path: shown))
            }
        }
        return .success(ResolvedModule(
            source: source, directory: directory, displayName: displayName,
            declarations: ModuleDeclarations.merging(declarations), digest: digest.finalize()))
    }
}
