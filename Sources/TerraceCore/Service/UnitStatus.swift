import Foundation

/// The state of one unit of an infrastructure, as the service last saw it.
public struct UnitStatus: Codable, Hashable, Sendable {
    /// The unit's name.
    public var name: String
    /// `Ready`, `Reconciling`, `Stalled`, with reasons such as `ApplyFailed`, `DependencyNotReady`, `Drifted`.
    public var conditions: [Condition]
    /// The Terraform step running now (`init`, `plan`, `apply`…), while a run is on it.
    public var phase: String?
    /// The revision whose desired state the unit last applied.
    public var lastAppliedRevision: String?
    /// When it was last applied.
    public var lastAppliedAt: Date?
    /// What the last drift check found changed outside Terraform, when it found something.
    public var drift: ResourceSummary?
    /// For an app, Argo CD's sync status of its Application when it was last applied (`Synced`).
    public var sync: String?
    /// For an app, Argo CD's health of its Application when it was last applied (`Healthy`); a failed app's condition
    /// says what Argo CD reported instead (`Degraded: …`).
    public var health: String?
    /// For an app, the revision Argo CD synced (a chart version or a commit).
    public var syncedRevision: String?

    /// Creates a unit status.
    public init(
        name: String, conditions: [Condition] = [], phase: String? = nil, lastAppliedRevision: String? = nil,
        lastAppliedAt: Date? = nil, drift: ResourceSummary? = nil
    ) {
        self.name = name
        self.conditions = conditions
        self.phase = phase
        self.lastAppliedRevision = lastAppliedRevision
        self.lastAppliedAt = lastAppliedAt
        self.drift = drift
    }
}
