/// One infrastructure, from a manifest with `kind: Infrastructure`: its settings and its units.
public struct Infrastructure: Hashable, Sendable {
    /// The infrastructure's name, unique in the repository.
    public var name: String
    /// The manifest file, relative to the repository root.
    public var file: String
    /// Where the manifest's document starts.
    public var location: SourceLocation
    /// Variables the manifest's inputs can reference as `infra.vars.NAME`.
    public var vars: [String: Value]
    /// The cloud the infrastructure lives in.
    public var cloud: CloudSettings
    /// Where state is kept.
    public var backend: BackendSettings
    /// Whether drift is corrected by re-applying (`drift: correct`) or only reported.
    public var correctDrift: Bool
    /// When a plan waits for approval before it is applied (`approval: auto | manual | destroy`).
    public var approval: ApprovalPolicy
    /// The cluster Terrace did not create, when `kubernetes: {existing: …}` names one.
    public var existingCluster: ExistingCluster?
    /// The units: built-in sections first, in the product's order, then the `units` list in order.
    public var units: [UnitSpec]

    /// Creates an infrastructure.
    public init(
        name: String,
        file: String,
        location: SourceLocation,
        vars: [String: Value] = [:],
        cloud: CloudSettings,
        backend: BackendSettings,
        correctDrift: Bool = false,
        approval: ApprovalPolicy = .auto,
        existingCluster: ExistingCluster? = nil,
        units: [UnitSpec] = []
    ) {
        self.existingCluster = existingCluster
        self.name = name
        self.file = file
        self.location = location
        self.vars = vars
        self.cloud = cloud
        self.backend = backend
        self.correctDrift = correctDrift
        self.approval = approval
        self.units = units
    }

    /// Whether the infrastructure has a cluster: one Terrace makes (a `kubernetes` unit) or an existing one.
    public var hasCluster: Bool { existingCluster != nil || unit(named: "kubernetes") != nil }

    /// The unit named `name`, if any.
    public func unit(named name: String) -> UnitSpec? {
        units.first { $0.name == name }
    }
}
