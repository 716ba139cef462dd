/// The project-wide settings of a repository, from `terrace.yaml` at its root (all optional).
public struct Project: Hashable, Sendable {
    /// The project's name; defaults to the repository folder's name.
    public var name: String
    /// Variables every infrastructure can reference as `project.vars.NAME`.
    public var vars: [String: Value]
    /// How Terraform is run.
    public var terraform: TerraformSettings
    /// Whether infrastructures removed from the repository are destroyed by the reconciler.
    public var prune: Bool
    /// Where the project document starts, when there is one.
    public var location: SourceLocation?
    /// Apps common to every infrastructure with a cluster (`apps:` in `terrace.yaml`), each optionally limited to
    /// named infrastructures.
    public var apps: [ProjectApp] = []
    /// The project's `timeout:`: how long one operation of a unit may run when the unit sets no `timeout:` of its own;
    /// nil for ``UnitTimeout/standard``.
    public var timeout: Located<Duration>?

    /// Creates project settings.
    public init(
        name: String,
        vars: [String: Value] = [:],
        terraform: TerraformSettings = TerraformSettings(),
        prune: Bool = false,
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.vars = vars
        self.terraform = terraform
        self.prune = prune
        self.location = location
    }

    /// How long one operation (plan, apply, destroy) of `unit` may run: its `timeout:`, else the project's, else
    /// ``UnitTimeout/standard`` (60 minutes).
    public func timeout(for unit: UnitSpec?) -> Duration {
        unit?.timeout?.value ?? timeout?.value ?? UnitTimeout.standard
    }
}
