/// What a plan will do with a unit.
public enum UnitAction: String, Codable, Hashable, Sendable, CaseIterable {
    /// Not applied yet.
    case create
    /// Applied, but its desired state changed (or may change once upstream outputs are known).
    case update
    /// Applied with exactly this desired state.
    case unchanged
    /// Recorded as applied but no longer declared.
    case destroy
}
