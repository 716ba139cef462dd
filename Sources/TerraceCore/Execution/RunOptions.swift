import Foundation

/// How a run is carried out.
public struct RunOptions: Hashable, Sendable {
    /// A unique id of the run (names log folders).
    public var runID: String
    /// How many units run at once.
    public var parallelism: Int
    /// Seconds to wait for a lock held by another run (0: fail at once).
    public var lockTimeout: Double
    /// The git revision being applied, when known.
    public var revision: String?
    /// Units applied even when their desired state is already recorded (to correct drift).
    public var forcedUnits: Set<String>
    /// Whether units are applied as planned now, or only through the reviewed plans given (``ApplyEngine/apply``);
    /// ``ApplyEngine/review`` sets its own.
    public var mode: Mode = .apply

    /// How changed units are applied.
    public enum Mode: Hashable, Sendable {
        /// Plan and apply each changed unit at once.
        case apply
        /// Plan each changed unit for review and apply nothing (``ApplyEngine/review``).
        case review
        /// Apply exactly the reviewed plans, by unit; a changed unit without one is left for a follow-up run.
        case applyReviewed([String: UnitReview])
    }

    /// Creates options.
    public init(
        runID: String = RunOptions.newRunID(), parallelism: Int = 4, lockTimeout: Double = 0, revision: String? = nil,
        forcedUnits: Set<String> = []
    ) {
        self.forcedUnits = forcedUnits
        self.runID = runID
        self.parallelism = parallelism
        self.lockTimeout = lockTimeout
        self.revision = revision
    }

    /// A sortable, unique run id: `20261121T060102Z-1a2b3c`.
    public static func newRunID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = UUID().uuidString.prefix(6).lowercased()
        return "\(formatter.string(from: now))-\(suffix)"
    }
}
