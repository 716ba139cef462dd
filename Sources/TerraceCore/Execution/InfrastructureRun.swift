/// The result of applying or destroying one infrastructure.
public struct InfrastructureRun: Codable, Hashable, Sendable {
    /// The infrastructure's name.
    public var infrastructure: String
    /// `apply` or `destroy`.
    public var operation: String
    /// Each unit's result, in the order they finished.
    public var results: [UnitResult]
    /// A problem that stopped the run before or around its units (lock held, state unreadable), safe to show.
    public var error: String?
    /// Seconds the run took.
    public var seconds: Double

    /// Creates a run result.
    public init(infrastructure: String, operation: String, results: [UnitResult] = [], error: String? = nil, seconds: Double = 0) {
        self.infrastructure = infrastructure
        self.operation = operation
        self.results = results
        self.error = error
        self.seconds = seconds
    }

    /// Whether every unit succeeded and nothing stopped the run.
    public var succeeded: Bool {
        error == nil && results.allSatisfy { $0.outcome != .failed && $0.outcome != .blocked }
    }

    /// How many units ended with `outcome`.
    public func count(_ outcome: UnitOutcome) -> Int { results.filter { $0.outcome == outcome }.count }
}
