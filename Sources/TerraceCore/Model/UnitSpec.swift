/// One unit of an infrastructure: a Terraform module, or work Terrace does in the cluster (``ModuleSource/kubernetes(_:)``),
/// with its inputs and dependencies.
public struct UnitSpec: Hashable, Sendable {
    /// Whether the unit comes from a built-in section or the `units` list.
    public enum Kind: Hashable, Sendable {
        case builtin(BuiltinSection)
        case custom
        /// The `argocd` unit, present whenever the infrastructure has a cluster.
        case argocd
        /// An app from the `apps` list (of the manifest or of `terrace.yaml`).
        case app
        /// An addon of the catalogue, enabled in the `addons` section.
        case addon

        /// How the kind is shown in plans and status: `builtin`, `custom`, `argocd` or `app`.
        public var label: String {
            switch self {
            case .builtin: "builtin"
            case .custom: "custom"
            case .argocd: "argocd"
            case .app: "app"
            case .addon: "addon"
            }
        }
    }

    /// The unit's name, unique within its infrastructure.
    public var name: String
    /// Built-in or custom.
    public var kind: Kind
    /// Where the unit is declared (its section key or list entry).
    public var location: SourceLocation
    /// The module the unit runs.
    public var module: ModuleSource
    /// Where the module is named; the unit's location when implied.
    public var moduleLocation: SourceLocation
    /// Units that must be applied before this one, beyond those its inputs reference.
    public var dependsOn: [Located<String>]
    /// The module's inputs, by variable name.
    public var inputs: [String: InputValue]
    /// Where each input's key is written (for "not declared" errors).
    public var inputKeyLocations: [String: SourceLocation]
    /// The unit's own `timeout:` (how long one of its operations may run), when it sets one; see
    /// ``Project/timeout(for:)`` for the one that applies.
    public var timeout: Located<Duration>?
    /// The `module:` as written when it holds `${…}` expressions (evaluated into ``module`` for this infrastructure).
    public var moduleTemplate: String?

    /// Creates a unit.
    public init(
        name: String,
        kind: Kind,
        location: SourceLocation,
        module: ModuleSource,
        moduleLocation: SourceLocation? = nil,
        dependsOn: [Located<String>] = [],
        inputs: [String: InputValue] = [:],
        inputKeyLocations: [String: SourceLocation] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.location = location
        self.module = module
        self.moduleLocation = moduleLocation ?? location
        self.dependsOn = dependsOn
        self.inputs = inputs
        self.inputKeyLocations = inputKeyLocations
    }

    /// The names of the units this unit depends on: `dependsOn` plus those its inputs reference, sorted.
    public func upstreamNames(amongUnits names: Set<String>) -> [String] {
        var result = Set(dependsOn.map(\.value))
        for reference in inputs.values.flatMap(\.references) {
            if let root = reference.path.first, names.contains(root), root != name { result.insert(root) }
        }
        return result.filter { names.contains($0) && $0 != name }.sorted()
    }
}
