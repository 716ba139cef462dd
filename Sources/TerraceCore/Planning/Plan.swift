/// The plan of a repository: what would change in each selected infrastructure. Its JSON form is stable
/// (see docs/plan-json.md); `formatVersion` changes only with incompatible changes.
public struct Plan: Codable, Hashable, Sendable {
    /// How many units take each action.
    public struct Summary: Codable, Hashable, Sendable {
        /// Units that will be created.
        public var create = 0
        /// Units that will be updated.
        public var update = 0
        /// Units that will be left unchanged.
        public var unchanged = 0
        /// Units that will be destroyed.
        public var destroy = 0

        /// Creates an empty summary.
        public init() {}
    }

    /// The JSON format's version.
    public var formatVersion: Int
    /// Whether anything would change.
    public var hasChanges: Bool
    /// Counts of actions over all infrastructures.
    public var summary: Summary
    /// The infrastructures, sorted by name.
    public var infrastructures: [InfrastructurePlan]

    /// Creates a plan and computes its summary.
    public init(infrastructures: [InfrastructurePlan]) {
        var summary = Summary()
        for unit in infrastructures.flatMap(\.units) {
            switch unit.action {
            case .create: summary.create += 1
            case .update: summary.update += 1
            case .unchanged: summary.unchanged += 1
            case .destroy: summary.destroy += 1
            }
        }
        self.formatVersion = 1
        self.summary = summary
        self.hasChanges = summary.create + summary.update + summary.destroy > 0
        self.infrastructures = infrastructures
    }
}
