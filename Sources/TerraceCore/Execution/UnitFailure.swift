/// Running Terraform for a unit failed.
public struct UnitFailure: Error, Hashable, Sendable {
    /// Why, in categories the engine acts on.
    public enum Code: Hashable, Sendable {
        /// Terraform reported an error (invalid input, provider error…).
        case terraform
        /// The state is locked by another run.
        case locked
        /// Terraform could not be started or its output not understood.
        case setup
        /// The run was cancelled (interrupted).
        case cancelled
        /// The Kubernetes API refused a request, or what was applied failed or did not become ready.
        case kubernetes
        /// A reviewed plan no longer matches (the state moved since, or the saved plan is gone): nothing was applied.
        case stalePlan
        /// The operation ran past the unit's timeout (``UnitJob/timeout``) and was stopped.
        case timedOut
    }

    /// The kind of failure.
    public var code: Code
    /// The phase that failed.
    public var phase: UnitPhase
    /// A one-line message safe to show.
    public var message: String
    /// The last lines of Terraform's output (secrets never appear there: sensitive values are redacted by Terraform).
    public var logTail: [String]
    /// The full log file, when one was written.
    public var logPath: String?
    /// For a Kubernetes unit that applied objects before it failed (an app whose Application turned `Degraded`), what
    /// it applied: recorded, so that removing or destroying the unit deletes it.
    public var inventory: [String]?
    /// For a `.cancelled` failure, how the running step was stopped, as a clause safe to show ("Terraform was
    /// interrupted (SIGINT) and stopped"); nil when the executor has nothing to add. A timeout's message ends with it.
    public var stopNote: String?

    /// Creates a failure.
    public init(
        _ code: Code, phase: UnitPhase, _ message: String, logTail: [String] = [], logPath: String? = nil, inventory: [String]? = nil,
        stopNote: String? = nil
    ) {
        self.stopNote = stopNote
        self.inventory = inventory
        self.code = code
        self.phase = phase
        self.message = message
        self.logTail = logTail
        self.logPath = logPath
    }
}
