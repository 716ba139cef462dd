/// A unit's Terraform outputs after an apply, and which of them are sensitive.
public struct UnitOutputs: Hashable, Sendable {
    /// The output values by name.
    public var values: [String: Value]
    /// The names of outputs Terraform marks sensitive; their values are never shown.
    public var sensitive: Set<String>

    /// Creates outputs.
    public init(values: [String: Value] = [:], sensitive: Set<String> = []) {
        self.values = values
        self.sensitive = sensitive
    }
}
