/// The plan for one infrastructure: its units in the order they would run.
public struct InfrastructurePlan: Codable, Hashable, Sendable {
    /// The infrastructure's name.
    public var name: String
    /// Its manifest, relative to the repository root.
    public var file: String
    /// Units to destroy first (reverse dependency order), then the declared units in dependency order.
    public var units: [UnitPlan]

    /// Whether any unit changes.
    public var hasChanges: Bool { units.contains { $0.action != .unchanged } }
}
