/// How the reconciler works: who it is, how much it runs at once.
public struct ReconcilerSettings: Sendable {
    /// Names this replica in runs and locks.
    public var replica: String
    /// The followed repository's URL without credentials, for the source status.
    public var sourceURL: String
    /// The followed branch.
    public var branch: String
    /// The folder of `terrace.yaml` in the repository.
    public var path: String
    /// Infrastructures run at once.
    public var maxParallel: Int
    /// Units run at once within an infrastructure; nil takes the project's `terraform.parallelism`.
    public var unitParallelism: Int?
    /// Units planned at once by a drift check.
    public var driftParallelism: Int
    /// How long to wait before trying again an infrastructure whose lock another replica holds.
    public var busyRetryDelay: Duration

    /// Creates settings.
    public init(
        replica: String, sourceURL: String = "", branch: String = "main", path: String = "", maxParallel: Int = 2,
        unitParallelism: Int? = nil, driftParallelism: Int = 2, busyRetryDelay: Duration = .seconds(2)
    ) {
        self.replica = replica
        self.sourceURL = sourceURL
        self.branch = branch
        self.path = path
        self.maxParallel = max(1, maxParallel)
        self.unitParallelism = unitParallelism
        self.driftParallelism = max(1, driftParallelism)
        self.busyRetryDelay = busyRetryDelay
    }
}
