/// What the reconciler needs from the world: the git source, the repository at a revision, state and locks,
/// Terraform. `TerraceServer.LiveEnvironment` drives git, S3 and Terraform; tests pass fakes.
public protocol ReconcileEnvironment: Sendable {
    /// Fetches the followed branch and returns its newest revision.
    func fetch() async throws(ReconcileError) -> SourceRevision
    /// Loads and validates the repository at `revision` (a revision fetched before).
    func load(revision: String) async -> LoadResult
    /// The record of `infrastructure`'s last applies, nil when there is none yet.
    func record(of infrastructure: Infrastructure) async throws(ReconcileError) -> InfrastructureRecord?
    /// An engine that applies `infrastructure` with `binary` (the project's `terraform.binary`) for `run`, its
    /// lock naming the run (``ServiceRun/lockHolder``); prepares the state storage first when missing.
    func engine(
        for infrastructure: Infrastructure, binary: TerraformSettings.Binary, run: ServiceRun
    ) async throws(ReconcileError) -> ApplyEngine
    /// The executor drift checks plan with, running `binary`.
    func executor(_ binary: TerraformSettings.Binary) -> any UnitExecutor
    /// Who holds `infrastructure`'s lock now, or nil when it is free.
    func lockHolder(of infrastructure: Infrastructure) async throws(ReconcileError) -> LockInfo?
    /// Releases the lock `lock` of `infrastructure` left by a run that is proven dead, and every Terraform state
    /// lock of its units taken since (with `binary force-unlock`); returns what was released.
    func releaseStaleLocks(
        of infrastructure: Infrastructure, lock: LockInfo, binary: TerraformSettings.Binary
    ) async throws(ReconcileError) -> [String]
    /// The full log unit `unit` wrote in run `runID`, when there is one.
    func log(runID: String, infrastructure: String, unit: String) async -> String?
}

/// Something the reconciler could not do, safe to show.
public struct ReconcileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// The git source cannot be fetched.
        case fetch
        /// State or locks cannot be read or written.
        case state
        /// Terraform cannot be run.
        case setup
        /// A step (a git fetch or checkout) did not finish within its time limit and was stopped.
        case timeout
    }

    /// The kind of failure.
    public var code: Code
    /// A one-line message.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Hears what the reconciler does, for metrics and the service's log. Every method has an empty default.
public protocol ReconcileObserver: Sendable {
    /// A step of a sync or a run (see ``ReconcileStep``). Runs starting and finishing are told by
    /// ``runStarted(_:)`` and ``runFinished(_:seconds:)`` only (``ReconcileStep/runStarted(_:)`` turns them into steps).
    func step(_ step: ReconcileStep)
    /// The source was fetched.
    func fetched(_ revision: SourceRevision)
    /// The queue holds `depth` runs waiting to start.
    func queueDepth(_ depth: Int)
    /// A run started.
    func runStarted(_ run: ServiceRun)
    /// A run ended after `seconds`.
    func runFinished(_ run: ServiceRun, seconds: Double)
}

extension ReconcileObserver {
    public func step(_ step: ReconcileStep) {}
    public func fetched(_ revision: SourceRevision) {}
    public func queueDepth(_ depth: Int) {}
    public func runStarted(_ run: ServiceRun) {}
    public func runFinished(_ run: ServiceRun, seconds: Double) {}
}

/// An observer that ignores everything.
public struct SilentObserver: ReconcileObserver {
    /// Creates the observer.
    public init() {}
}
