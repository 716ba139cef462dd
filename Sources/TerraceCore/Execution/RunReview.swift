import Foundation

/// The plan of a run that waits for approval: what each changed unit would do, tied to one revision.
///
/// Every reviewed unit has a saved plan (Terraform's plan file, or the Kubernetes objects rendered), and the run
/// applies exactly those plans: a plan that no longer matches is discarded and the infrastructure planned again.
public struct RunReview: Codable, Hashable, Sendable {
    /// The revision planned.
    public var revision: String
    /// When the plan was made.
    public var plannedAt: Date
    /// The units that change, in dependency order, with their plans.
    public var units: [UnitReview]
    /// Changed units whose inputs depend on outputs of units in this plan: they are planned in a follow-up run,
    /// after this one is applied, and wait for their own approval.
    public var deferred: [String]
    /// Whether any unit's plan deletes something (what `approval: destroy` waits for).
    public var deletes: Bool { units.contains { $0.summary.destroy > 0 } }

    /// Creates a review.
    public init(revision: String, plannedAt: Date, units: [UnitReview], deferred: [String] = []) {
        self.revision = revision
        self.plannedAt = plannedAt
        self.units = units
        self.deferred = deferred
    }
}

/// One unit's reviewed plan.
public struct UnitReview: Codable, Hashable, Sendable {
    /// The unit.
    public var unit: String
    /// Counts of resources to add, change and delete.
    public var summary: ResourceSummary
    /// Each resource (or Kubernetes object) that changes, with its attribute diff.
    public var changes: [PlannedChange]
    /// The saved plan's id (its file name for Terraform), which the apply uses.
    public var planID: String
    /// SHA-256 of the saved plan, checked before applying it.
    public var planDigest: String
    /// The unit's desired-state digest when planned (module and inputs); a different one at apply time means the
    /// plan is out of date.
    public var desiredDigest: String

    /// Creates a unit review.
    public init(
        unit: String, summary: ResourceSummary, changes: [PlannedChange], planID: String, planDigest: String,
        desiredDigest: String
    ) {
        self.unit = unit
        self.summary = summary
        self.changes = changes
        self.planID = planID
        self.planDigest = planDigest
        self.desiredDigest = desiredDigest
    }
}

/// One resource or object a plan changes.
public struct PlannedChange: Codable, Hashable, Sendable {
    /// Terraform's address (`aws_s3_bucket.this`) or the object (`apps/v1 Deployment shop/web`).
    public var address: String
    /// `create`, `update`, `delete`, `replace`, `read`.
    public var action: String
    /// The attributes that change; sensitive values show as `(sensitive)`, unknown ones as `(known after apply)`.
    public var attributes: [AttributeChange]

    /// Creates a change.
    public init(address: String, action: String, attributes: [AttributeChange]) {
        self.address = address
        self.action = action
        self.attributes = attributes
    }
}

/// One attribute's value before and after.
public struct AttributeChange: Codable, Hashable, Sendable {
    /// The attribute's path (`tags.Name`).
    public var path: String
    /// The value before, rendered as text; nil when it did not exist.
    public var before: String?
    /// The value after, rendered as text; nil when it goes away.
    public var after: String?

    /// Creates an attribute change.
    public init(path: String, before: String?, after: String?) {
        self.path = path
        self.before = before
        self.after = after
    }
}
