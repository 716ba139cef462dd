/// How often and how patiently a failed AWS call is tried again.
///
/// Only transient failures are retried (``AWSError/isTransient``): throttling, HTTP 500/502/503/504, request
/// timeouts and lost connections. The wait before try `n + 1` is `baseDelay · 2ⁿ⁻¹`, capped at `maxDelay`,
/// with random jitter taking it down to half of that.
public struct RetryPolicy: Hashable, Sendable {
    /// The most tries of one call, the first included (at least 1).
    public var maxAttempts: Int
    /// The wait after the first failure, in seconds.
    public var baseDelay: Double
    /// The longest wait between two tries, in seconds.
    public var maxDelay: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 5) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    /// Five tries, waiting from 0.2 s up to 5 s.
    public static let standard = RetryPolicy()

    /// A single try.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether to try again after `error` on try number `attempt` (1 for the first).
    public func shouldRetry(_ error: AWSError, attempt: Int) -> Bool {
        attempt < maxAttempts && error.isTransient
    }

    /// The wait in seconds after the failure of try number `attempt`, before jitter.
    public func backoff(attempt: Int) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        return min(maxDelay, baseDelay * pow2(exponent))
    }

    /// The wait in seconds after the failure of try number `attempt`: ``backoff(attempt:)`` less up to half.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let full = backoff(attempt: attempt)
        guard full > 0 else { return 0 }
        return Double.random(in: (full / 2)...full, using: &generator)
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
