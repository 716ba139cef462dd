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
