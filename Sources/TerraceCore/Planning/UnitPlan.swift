/// The plan for one unit: its action and why.
public struct UnitPlan: Codable, Hashable, Sendable {
    /// The unit's name.
    public var name: String
    /// `builtin` or `custom` (`removed` for units only the record knows).
    public var kind: String
    /// The module, as shown to users.
    public var module: String
    /// What will happen.
    public var action: UnitAction
    /// The upstream units whose outputs this unit's inputs wait for (they may change), sorted.
    public var pendingUpstream: [String]
    /// Why the action was chosen, as short phrases.
    public var reasons: [String]
    /// The unit's direct dependencies.
    public var dependsOn: [String]
    /// The desired-state digest, when all inputs are known.
    public var digest: String?
    /// The digest recorded at the last apply.
    public var recordedDigest: String?
    /// What `terraform plan` would change, when it ran for this unit.
    public var resources: ResourceSummary?
    /// Why `terraform plan` did not run for a changing unit, or why it failed.
    public var resourcesNote: String?

    /// Whether this is `update` only because upstream outputs may change.
    public var isPendingUpstream: Bool { action == .update && !pendingUpstream.isEmpty && digest == nil }

    /// The action as shown to people: `update (pending upstream)` for pending updates.
    public var actionLabel: String { isPendingUpstream ? "update (pending upstream)" : action.rawValue }
}

extension UnitPlan {
    private enum CodingKeys: String, CodingKey {
        case name, kind, module, action, pendingUpstream, reasons, dependsOn, digest, recordedDigest, resources, resourcesNote
    }

    /// Encodes every field, with `null` for unknown digests, so the JSON always has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(module, forKey: .module)
        try container.encode(action, forKey: .action)
        try container.encode(pendingUpstream, forKey: .pendingUpstream)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(dependsOn, forKey: .dependsOn)
        try container.encode(digest, forKey: .digest)
        try container.encode(recordedDigest, forKey: .recordedDigest)
        try container.encode(resources, forKey: .resources)
        try container.encode(resourcesNote, forKey: .resourcesNote)
    }
}
