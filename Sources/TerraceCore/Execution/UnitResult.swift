/// The result of one unit in a run.
public struct UnitResult: Codable, Hashable, Sendable {
    /// The unit's name.
    public var unit: String
    /// How it ended.
    public var outcome: UnitOutcome
    /// Seconds it took (0 for unchanged and blocked units).
    public var seconds: Double
    /// Whether its outputs differ from the recorded ones (for applied units).
    public var outputsChanged: Bool?
    /// Why it failed or was blocked, safe to show.
    public var message: String?
    /// The last lines of Terraform's output, for failures.
    public var logTail: [String]?
    /// The unit's full log, when one was written.
    public var logPath: String?

    /// Creates a result.
    public init(
        unit: String, outcome: UnitOutcome, seconds: Double = 0, outputsChanged: Bool? = nil, message: String? = nil,
        logTail: [String]? = nil, logPath: String? = nil
    ) {
        self.unit = unit
        self.outcome = outcome
        self.seconds = seconds
        self.outputsChanged = outputsChanged
        self.message = message
        self.logTail = logTail
        self.logPath = logPath
    }
}
