import Foundation

/// One run of the service on one infrastructure: why, for which revision, how it ended, each unit's result.
public struct ServiceRun: Codable, Hashable, Sendable {
    /// Where the run is.
    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        /// Running now (or, found at start-up, left by a service that died).
        case running
        /// Every unit applied or unchanged.
        case succeeded
        /// A unit failed or the run could not start.
        case failed
        /// The service stopped during the run; it is retried on the next start.
        case interrupted
        /// A newer revision replaced it before it started, or before its plan was approved.
        case superseded
        /// Its plan waits for someone to approve or discard it (`approval: manual` or `destroy`).
        case waiting
        /// Its plan was discarded; nothing was applied.
        case discarded
    }

    /// What asked for the run.
    public enum Trigger: String, Codable, Hashable, Sendable {
        /// A push webhook.
        case push
        /// The poll interval.
        case poll
        /// `POST /api/v1/infrastructures/{name}/reconcile`.
        case manual
        /// Drift correction (`drift: correct`).
        case drift
        /// Retrying an interrupted run.
        case retry
        /// An infrastructure removed from the repository, with `prune: true`.
        case prune
        /// Someone retried a failed run (`POST /api/v1/runs/{id}/retry` or the UI).
        case rerun
    }

    /// A unique, sortable id.
    public var id: String
    /// The infrastructure.
    public var infrastructure: String
    /// `apply` or `destroy`.
    public var operation: String
    /// The git revision.
    public var revision: String
    /// What asked for it.
    public var trigger: Trigger
    /// Where it is.
    public var status: Status
    /// The replica that ran it.
    public var replica: String
    /// When it was asked for.
    public var queuedAt: Date
    /// When it started.
    public var startedAt: Date?
    /// When it ended.
    public var finishedAt: Date?
    /// Units applied even though their desired state was recorded (drift correction).
    public var forcedUnits: [String]
    /// Each unit's result, in the order they finished.
    public var results: [UnitResult]
    /// What stopped the run, or what happened to it, safe to show.
    public var message: String?
    /// The run that retried this interrupted run.
    public var retriedBy: String?
    /// The interrupted runs this one retries.
    public var retries: [String]
    /// Who asked for the run when a person did (a manual reconcile or retry): a session's name or `admin token`.
    public var requestedBy: String?
    /// The plan reviewed before applying (`approval: manual` or `destroy`): each changed unit's resource changes,
    /// tied to the revision and to its saved plan file.
    public var review: RunReview?
    /// Who approved the plan, and when.
    public var approvedBy: String?
    /// When the plan was approved.
    public var approvedAt: Date?
    /// Who discarded the plan, and when.
    public var discardedBy: String?
    /// When the plan was discarded.
    public var discardedAt: Date?

    /// Creates a run.
    public init(
        id: String, infrastructure: String, operation: String = "apply", revision: String, trigger: Trigger,
        status: Status, replica: String, queuedAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil,
        forcedUnits: [String] = [], results: [UnitResult] = [], message: String? = nil, retriedBy: String? = nil,
        retries: [String] = [], requestedBy: String? = nil
    ) {
        self.requestedBy = requestedBy
        self.id = id
        self.infrastructure = infrastructure
        self.operation = operation
        self.revision = revision
        self.trigger = trigger
        self.status = status
        self.replica = replica
        self.queuedAt = queuedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.forcedUnits = forcedUnits
        self.results = results
        self.message = message
        self.retriedBy = retriedBy
        self.retries = retries
    }

    /// How the service names itself as holder of an infrastructure's lock during this run; ``runID(fromLockHolder:)``
    /// reads the run back, which is how a restarted service proves a leftover lock is its own.
    public var lockHolder: String { "terrace serve \(replica) run \(id)" }

    /// The run id in a lock holder written by ``lockHolder``, or nil for any other holder.
    public static func runID(fromLockHolder holder: String) -> String? {
        guard holder.hasPrefix("terrace serve "), let range = holder.range(of: " run ", options: .backwards) else { return nil }
        let id = holder[range.upperBound...]
        return id.isEmpty || id.contains(" ") ? nil : String(id)
    }
}
