/// How often, and after how long, a Terraform command that failed on a transient cloud error
/// (throttling, an overloaded service, a dropped connection) is run again.
public struct RetryPolicy: Hashable, Sendable {
    /// Three retries, waiting 2 s, 4 s, then 8 s.
    public static let `default` = RetryPolicy(maxRetries: 3, baseDelay: .seconds(2))
    /// Never retry.
    public static let never = RetryPolicy(maxRetries: 0, baseDelay: .zero)

    /// How many times a command is run again after its first failure.
    public var maxRetries: Int
    /// The wait before the first retry; it doubles with each further retry.
    public var baseDelay: Duration
    /// The longest wait between two tries.
    public var maxDelay: Duration

    /// Creates a policy.
    public init(maxRetries: Int, baseDelay: Duration, maxDelay: Duration = .seconds(30)) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before running a command again after `failures` failed tries (1 or more), or nil when
    /// it must not run again: the output shows no transient error, or the retries are used up.
    public func retryDelay(afterFailures failures: Int, output: String) -> Duration? {
        guard failures >= 1, failures <= maxRetries, TerraformDiagnostics.isTransient(output) else { return nil }
        let factor = 1 << min(failures - 1, 20)
        let delay = baseDelay * factor
        return delay > maxDelay ? maxDelay : delay
    }
}
