/// Everything needed to run Terraform for one unit: its module, rendered inputs and where its state lives.
public struct UnitJob: Hashable, Sendable {
    /// The run this job belongs to (names log files).
    public var runID: String
    /// The infrastructure's name.
    public var infrastructure: String
    /// The unit's name.
    public var unit: String
    /// The module to run.
    public var module: ResolvedModule
    /// The rendered inputs (no `unknown` values), written to `terraform.tfvars.json`.
    public var inputs: [String: Value]
    /// The cloud settings (region, optional endpoint).
    public var cloud: CloudSettings
    /// The state bucket.
    public var backend: BackendSettings
    /// Seconds Terraform waits for a state lock held elsewhere (0: fail at once).
    public var lockTimeoutSeconds: Int
    /// The cluster Terrace did not create, for units that run in a cluster (``ModuleSource/kubernetes(_:)``).
    public var existingCluster: ExistingCluster?
    /// The objects the unit applied last time (``UnitRecord/inventory``); a Kubernetes unit deletes those it no longer
    /// renders.
    public var inventory: [String]
    /// How long one operation of the job (``UnitExecutor/plan(_:progress:)``, ``UnitExecutor/apply(_:progress:)``…,
    /// every command or request it makes included) may run; then it is stopped and fails with `.timedOut`
    /// (``withinTimeout(_:)``). The unit's `timeout:`, else the project's, else ``UnitTimeout/standard``.
    public var timeout: Duration

    /// Creates a job.
    public init(
        runID: String, infrastructure: String, unit: String, module: ResolvedModule, inputs: [String: Value],
        cloud: CloudSettings, backend: BackendSettings, lockTimeoutSeconds: Int = 0, existingCluster: ExistingCluster? = nil,
        inventory: [String] = [], timeout: Duration = UnitTimeout.standard
    ) {
        self.timeout = timeout
        self.existingCluster = existingCluster
        self.inventory = inventory
        self.runID = runID
        self.infrastructure = infrastructure
        self.unit = unit
        self.module = module
        self.inputs = inputs
        self.cloud = cloud
        self.backend = backend
        self.lockTimeoutSeconds = lockTimeoutSeconds
    }

    /// Whether the unit runs in a cluster through the Kubernetes driver rather than Terraform.
    public var isKubernetes: Bool {
        if case .kubernetes = module.source { return true }
        return false
    }

    /// The key of the unit's Terraform state in the bucket: `<infrastructure>/<unit>/terraform.tfstate`.
    public var stateKey: String { "\(infrastructure)/\(unit)/terraform.tfstate" }
}
