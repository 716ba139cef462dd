import Logging
import TerraceCore

/// The service's log of what the reconciler does: one line per sync and run step, at info (warning when something
/// failed, debug for routine detail), with the step, infrastructure, revision, run and unit as swift-log metadata
/// (`step`, `infrastructure`, `revision`, `run`, `unit`; `attempt` and `delay` for a scheduled retry), so a log
/// collector can filter one infrastructure or one run. Steps carry safe messages only: no secret reaches the log.
public struct ServiceLog: ReconcileObserver {
    /// Where lines go.
    public let logger: Logger

    /// Creates the log.
    public init(logger: Logger) {
        self.logger = logger
    }

    public func step(_ step: ReconcileStep) {
        let level: Logger.Level
        switch step.level {
        case .debug: level = .debug
        case .info: level = .info
        case .warning: level = .warning
        }
        logger.log(level: level, "\(Self.line(step))", metadata: Self.metadata(step))
    }

    public func runStarted(_ run: ServiceRun) {
        step(.runStarted(run))
    }

    public func runFinished(_ run: ServiceRun, seconds: Double) {
        step(.runFinished(run, seconds: seconds))
    }

    /// `alpha: planned revision 0123456789ab: `first` changed`: the step's message after its infrastructure, for
    /// readers of plain text logs.
    static func line(_ step: ReconcileStep) -> String {
        guard let infrastructure = step.infrastructure else { return step.message }
        return "\(infrastructure): \(step.message)"
    }

    /// The step's fields as metadata.
    static func metadata(_ step: ReconcileStep) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["step": .string(step.kind.rawValue)]
        if let infrastructure = step.infrastructure { metadata["infrastructure"] = .string(infrastructure) }
        if let revision = step.revision { metadata["revision"] = .string(revision) }
        if let run = step.run { metadata["run"] = .string(run) }
        if let unit = step.unit { metadata["unit"] = .string(unit) }
        if let attempt = step.attempt { metadata["attempt"] = .stringConvertible(attempt) }
        if let delay = step.delay { metadata["delay"] = .string(ReconcileStep.describe(delay)) }
        return metadata
    }
}
