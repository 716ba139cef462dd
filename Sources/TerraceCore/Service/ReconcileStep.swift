import Foundation

/// One step of the reconciler's work, as observers hear it (``ReconcileObserver/step(_:)``): what happened, to which
/// infrastructure, at which revision, in which run, and a sentence for people. The message is safe to show and log:
/// names, revisions, counts and the safe messages of errors, never a secret or an output value.
public struct ReconcileStep: Hashable, Sendable {
    /// What happened.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A sync started (poll, push, request).
        case syncStarted = "sync-started"
        /// The source was fetched.
        case fetched
        /// The source could not be fetched.
        case fetchFailed = "fetch-failed"
        /// The fetched revision loaded and validated.
        case validated
        /// The fetched revision does not validate.
        case invalid
        /// An infrastructure's record is being read.
        case readingRecord = "reading-record"
        /// An infrastructure's record was read.
        case recordRead = "record-read"
        /// A step failed and is tried again later (``ReconcileStep/attempt`` and ``ReconcileStep/delay`` say when).
        case retryScheduled = "retry-scheduled"
        /// An infrastructure was planned offline.
        case planned
        /// An infrastructure's plan cannot be made.
        case planFailed = "plan-failed"
        /// A run was queued.
        case queued
        /// An infrastructure is no longer in the repository.
        case removed
        /// A sync finished planning its revision.
        case syncFinished = "sync-finished"
        /// A run waits for a lock another replica or tool holds.
        case waitingForLock = "waiting-for-lock"
        /// A run started.
        case runStarted = "run-started"
        /// A unit of a run entered a Terraform phase.
        case unitPhase = "unit-phase"
        /// A unit of a run finished.
        case unitFinished = "unit-finished"
        /// A run finished (or waits for approval).
        case runFinished = "run-finished"
    }

    /// How much a step matters to someone reading the service's log.
    public enum Level: String, Hashable, Sendable {
        /// Routine detail (a record read, an unchanged plan at a revision already applied).
        case debug
        /// A step of the work.
        case info
        /// Something failed or waits on something broken.
        case warning
    }

    /// What happened.
    public var kind: Kind
    /// How much it matters.
    public var level: Level
    /// The infrastructure, when the step concerns one.
    public var infrastructure: String?
    /// The revision (full id), when known.
    public var revision: String?
    /// The run's id, when the step belongs to a run.
    public var run: String?
    /// The unit, when the step concerns one.
    public var unit: String?
    /// What happened, in one sentence.
    public var message: String
    /// For ``Kind/retryScheduled``: which retry is scheduled (1 for the first).
    public var attempt: Int?
    /// For ``Kind/retryScheduled``: how long until it.
    public var delay: Duration?

    /// Creates a step.
    public init(
        _ kind: Kind, level: Level = .info, infrastructure: String? = nil, revision: String? = nil, run: String? = nil,
        unit: String? = nil, message: String, attempt: Int? = nil, delay: Duration? = nil
    ) {
        self.kind = kind
        self.level = level
        self.infrastructure = infrastructure
        self.revision = revision
        self.run = run
        self.unit = unit
        self.message = message
        self.attempt = attempt
        self.delay = delay
    }

    /// `run` started.
    public static func runStarted(_ run: ServiceRun) -> ReconcileStep {
        var message = "\(run.operation) of revision \(run.revision.prefix(12)) started (\(run.trigger.rawValue)"
        if let requestedBy = run.requestedBy { message += ", asked by \(requestedBy)" }
        message += ")"
        return ReconcileStep(.runStarted, infrastructure: run.infrastructure, revision: run.revision, run: run.id, message: message)
    }

    /// `run` finished (or stopped to wait for approval) after `seconds`.
    public static func runFinished(_ run: ServiceRun, seconds: Double) -> ReconcileStep {
        let summary = UnitOutcome.allCases.compactMap { outcome -> String? in
            let count = run.results.filter { $0.outcome == outcome }.count
            return count == 0 ? nil : "\(count) \(outcome.rawValue)"
        }.joined(separator: ", ")
        var message = "\(run.operation) of revision \(run.revision.prefix(12)) \(run.status.rawValue) after \(describe(seconds: seconds))"
        if !summary.isEmpty { message += " (\(summary))" }
        if let note = run.message { message += ": \(note)" }
        let level: Level = run.status == .failed || run.status == .interrupted ? .warning : .info
        return ReconcileStep(
            .runFinished, level: level, infrastructure: run.infrastructure, revision: run.revision, run: run.id, message: message)
    }

    /// The step a unit's event in `run` is, or nil for events the run's own steps already tell.
    public static func unit(_ event: RunEvent, in run: ServiceRun) -> ReconcileStep? {
        switch event {
        case .phase(_, let unit, let phase):
            return ReconcileStep(
                .unitPhase, level: .info, infrastructure: run.infrastructure, revision: run.revision, run: run.id, unit: unit,
                message: "unit `\(unit)`: \(phase.rawValue)")
        case .finished(_, let result):
            var message = "unit `\(result.unit)` \(result.outcome.rawValue)"
            if result.seconds > 0 { message += " in \(describe(seconds: result.seconds))" }
            if let note = result.message { message += ": \(note)" }
            return ReconcileStep(
                .unitFinished, level: result.outcome == .failed ? .warning : .info, infrastructure: run.infrastructure,
                revision: run.revision, run: run.id, unit: result.unit, message: message)
        case .started, .completed:
            return nil
        }
    }

    /// `8 s`, `1.5 s`, `250 ms`: a delay as people read it.
    public static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        return describe(seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// `8 s`, `1.5 s`, `250 ms`.
    static func describe(seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return String(format: "%.1f s", seconds)
    }
}
