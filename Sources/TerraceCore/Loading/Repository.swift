/// A loaded and validated repository: the project, its infrastructures, their modules and unit graphs.
public struct Repository: Sendable {
    /// The repository root (absolute).
    public var root: String
    /// Project-wide settings.
    public var project: Project
    /// The infrastructures, sorted by name.
    public var infrastructures: [Infrastructure]
    /// Every module used, by source.
    public var modules: [ModuleSource: ResolvedModule]
    /// The unit graph of each infrastructure, by infrastructure name.
    public var graphs: [String: UnitGraph]

    /// Creates a repository.
    public init(
        root: String, project: Project, infrastructures: [Infrastructure], modules: [ModuleSource: ResolvedModule],
        graphs: [String: UnitGraph]
    ) {
        self.root = root
        self.project = project
        self.infrastructures = infrastructures
        self.modules = modules
        self.graphs = graphs
    }

    /// The infrastructure named `name`, if any.
    public func infrastructure(named name: String) -> Infrastructure? {
        infrastructures.first { $0.name == name }
    }
}

/// What loading a repository gave: the repository when it is valid, and every problem found.
public struct LoadResult: Sendable {
    /// The repository, or nil when any error was found.
    public var repository: Repository?
    /// Every problem found, sorted by location.
    public var diagnostics: [Diagnostic]

    /// Creates a result.
    public init(repository: Repository?, diagnostics: [Diagnostic]) {
        self.repository = repository
        self.diagnostics = diagnostics
    }
}
