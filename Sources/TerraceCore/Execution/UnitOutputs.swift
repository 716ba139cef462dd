/// A unit's outputs after an apply, which of them are sensitive, and (for a Kubernetes unit) what it applied.
public struct UnitOutputs: Hashable, Sendable {
    /// The output values by name.
    public var values: [String: Value]
    /// The names of outputs Terraform marks sensitive; their values are never shown.
    public var sensitive: Set<String>
    /// The objects a Kubernetes unit applied (``UnitRecord/inventory``); nil for Terraform units, whose state is
    /// their inventory.
    public var inventory: [String]?

    /// Creates outputs.
    public init(values: [String: Value] = [:], sensitive: Set<String> = [], inventory: [String]? = nil) {
        self.values = values
        self.sensitive = sensitive
        self.inventory = inventory
    }
}
