import Foundation

/// One observation of an object's state, in the vocabulary GitOps tools share (Kubernetes and Flux):
/// a type (`Ready`, `Reconciling`, `Stalled`), a status, a machine-readable reason and a message for people.
public struct Condition: Codable, Hashable, Sendable {
    /// The kind of condition.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// The desired state is applied (`True`), not applied (`False`) or being worked on (`Unknown`).
        case ready = "Ready"
        /// A run is in progress.
        case reconciling = "Reconciling"
        /// Progress is impossible until the repository changes (a broken commit, a plan that cannot be made).
        case stalled = "Stalled"
    }

    /// Whether the condition holds.
    public enum Status: String, Codable, Hashable, Sendable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    /// The kind of condition.
    public var type: Kind
    /// Whether it holds.
    public var status: Status
    /// Why, in one CamelCase word.
    public var reason: ConditionReason
    /// What happened, safe to show (never a secret).
    public var message: String
    /// When the status last changed.
    public var lastTransitionTime: Date

    /// Creates a condition.
    public init(type: Kind, status: Status, reason: ConditionReason, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}

/// Why a condition has its status.
public enum ConditionReason: String, Codable, Hashable, Sendable {
    /// The last run applied everything.
    case succeeded = "Succeeded"
    /// A run is working towards a revision.
    case progressing = "Progressing"
    /// The repository at the revision does not validate.
    case validationFailed = "ValidationFailed"
    /// The plan could not be made (an input cannot be rendered, state unreadable).
    case planFailed = "PlanFailed"
    /// Terraform failed on a unit.
    case applyFailed = "ApplyFailed"
    /// A unit did not run because a unit it depends on failed.
    case dependencyNotReady = "DependencyNotReady"
    /// Another run holds the infrastructure's lock.
    case lockHeld = "LockHeld"
    /// Real resources differ from what Terraform applied.
    case drifted = "Drifted"
    /// The service stopped during the run; it is retried.
    case interrupted = "Interrupted"
    /// The git source could not be fetched.
    case fetchFailed = "FetchFailed"
    /// The infrastructure is no longer in the repository.
    case removed = "Removed"
    /// Waiting for its turn (queued, or another replica is running it).
    case pending = "Pending"
    /// A plan waits for someone to approve or discard it.
    case awaitingApproval = "AwaitingApproval"
    /// Someone discarded the plan; nothing was applied.
    case planDiscarded = "PlanDiscarded"
    /// Its record (what was applied, with outputs) is being read from its state bucket before it is planned.
    case readingRecord = "ReadingRecord"
    /// A step failed and is tried again after a delay; the message says which step, why, and when.
    case retrying = "Retrying"
}

extension Array where Element == Condition {
    /// The condition of `type`, if set.
    public func condition(_ type: Condition.Kind) -> Condition? { first { $0.type == type } }

    /// Whether `type` is set and `True`.
    public func isTrue(_ type: Condition.Kind) -> Bool { condition(type)?.status == .true }

    /// Sets the condition of `type`, keeping its transition time when the status does not change.
    public mutating func set(_ type: Condition.Kind, _ status: Condition.Status, _ reason: ConditionReason, _ message: String, at now: Date) {
        if let index = firstIndex(where: { $0.type == type }) {
            let changed = self[index].status != status
            self[index].status = status
            self[index].reason = reason
            self[index].message = message
            if changed { self[index].lastTransitionTime = now }
        } else {
            append(Condition(type: type, status: status, reason: reason, message: message, lastTransitionTime: now))
            sort { Condition.Kind.allCases.firstIndex(of: $0.type) ?? 0 < Condition.Kind.allCases.firstIndex(of: $1.type) ?? 0 }
        }
    }

    /// Removes the condition of `type`.
    public mutating func remove(_ type: Condition.Kind) { removeAll { $0.type == type } }

    /// `Ready=True` with `reason`; `Reconciling` and `Stalled` removed.
    public mutating func markReady(_ message: String, reason: ConditionReason = .succeeded, at now: Date) {
        set(.ready, .true, reason, message, at: now)
        remove(.reconciling)
        remove(.stalled)
    }

    /// `Ready=False` with `reason`; `Reconciling` removed; `Stalled=True` too when `stalled`.
    public mutating func markFailed(_ reason: ConditionReason, _ message: String, stalled: Bool = false, at now: Date) {
        set(.ready, .false, reason, message, at: now)
        remove(.reconciling)
        if stalled { set(.stalled, .true, reason, message, at: now) } else { remove(.stalled) }
    }

    /// `Reconciling=True` with `reason` and `message`, naming the step a sync is in; `Ready` is kept as it is
    /// (what is known of the infrastructure does not change while it is looked at), or set `Unknown` when not set yet.
    public mutating func markStep(_ message: String, reason: ConditionReason, at now: Date) {
        set(.reconciling, .true, reason, message, at: now)
        if condition(.ready) == nil { set(.ready, .unknown, reason, message, at: now) }
    }

    /// Removes what ``markStep(_:reason:at:)`` set with one of `reasons`, once the step is over without another
    /// outcome: the `Reconciling` condition, and a `Ready=Unknown` it set.
    public mutating func clearStep(_ reasons: Set<ConditionReason> = [.readingRecord, .retrying]) {
        if let reason = condition(.reconciling)?.reason, reasons.contains(reason) { remove(.reconciling) }
        if let ready = condition(.ready), ready.status == .unknown, reasons.contains(ready.reason) { remove(.ready) }
    }

    /// `Reconciling=True` and `Ready=Unknown`, both `Progressing` with `message`.
    public mutating func markReconciling(_ message: String, reason: ConditionReason = .progressing, at now: Date) {
        set(.reconciling, .true, reason, message, at: now)
        set(.ready, .unknown, reason, message, at: now)
        remove(.stalled)
    }
}
