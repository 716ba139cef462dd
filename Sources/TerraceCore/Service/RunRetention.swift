import Foundation

/// Which runs (and their logs) the service keeps: the newest ``keepPerInfrastructure`` of each infrastructure,
/// none older than ``maxAge``. Whatever the limits, a run still going (running, waiting for approval), an
/// interrupted run not retried yet, and the newest run of each infrastructure are always kept.
public struct RunRetention: Hashable, Sendable {
    /// How many runs of each infrastructure are kept, newest first; nil keeps any number.
    public var keepPerInfrastructure: Int?
    /// How long a run is kept after it was queued; nil keeps runs of any age.
    public var maxAge: Duration?

    /// The default: the last 100 runs of each infrastructure, none older than 30 days.
    public static let `default` = RunRetention(keepPerInfrastructure: 100, maxAge: .seconds(30 * 86_400))

    /// Creates a policy; `keepPerInfrastructure` is at least 1.
    public init(keepPerInfrastructure: Int?, maxAge: Duration?) {
        self.keepPerInfrastructure = keepPerInfrastructure.map { max(1, $0) }
        self.maxAge = maxAge
    }

    /// Whether the policy prunes anything at all.
    public var isEnabled: Bool { keepPerInfrastructure != nil || maxAge != nil }

    /// The ids of the runs among `runs` to prune at `now`.
    public func prunable(_ runs: [ServiceRun], now: Date) -> [String] {
        guard isEnabled else { return [] }
        let cutoff = maxAge.map { now.addingTimeInterval(-Self.seconds($0)) }
        var pruned: [String] = []
        let byInfrastructure = Dictionary(grouping: runs, by: \.infrastructure)
        for name in byInfrastructure.keys.sorted() {
            let newestFirst = (byInfrastructure[name] ?? []).sorted { ($0.queuedAt, $0.id) > ($1.queuedAt, $1.id) }
            for (index, run) in newestFirst.enumerated() where index > 0 && !Self.isProtected(run) {
                let tooMany = keepPerInfrastructure.map { index >= $0 } ?? false
                let tooOld = cutoff.map { run.queuedAt < $0 } ?? false
                if tooMany || tooOld { pruned.append(run.id) }
            }
        }
        return pruned
    }

    /// Runs never pruned: still going, or interrupted and waiting to be retried.
    static func isProtected(_ run: ServiceRun) -> Bool {
        switch run.status {
        case .running, .waiting: true
        case .interrupted: run.retriedBy == nil
        case .succeeded, .failed, .superseded, .discarded: false
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
