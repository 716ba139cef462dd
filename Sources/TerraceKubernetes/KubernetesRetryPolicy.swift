/// How often and how patiently a failed Kubernetes request is tried again.
///
/// Retried: HTTP 429, 500, 502, 503 and 504, and connections that could not be made or dropped. The wait before
/// try `n + 1` is `Retry-After` when the server sent one (capped at ``maxRetryAfter``), otherwise
/// `baseDelay · 2ⁿ⁻¹` capped at ``maxDelay``, with random jitter taking it down to half of that.
public struct KubernetesRetryPolicy: Hashable, Sendable {
    /// The most tries of one request, the first included (at least 1).
    public var maxAttempts: Int
    /// The wait after the first failure, in seconds.
    public var baseDelay: Double
    /// The longest computed wait between two tries, in seconds.
    public var maxDelay: Double
    /// The longest `Retry-After` honoured, in seconds.
    public var maxRetryAfter: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 6, baseDelay: Double = 0.25, maxDelay: Double = 8, maxRetryAfter: Double = 30) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// Six tries, waiting from 0.25 s up to 8 s.
    public static let standard = KubernetesRetryPolicy()

    /// A single try.
    public static let none = KubernetesRetryPolicy(maxAttempts: 1)

    /// Whether an HTTP status is worth another try.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// The wait in seconds after the failure of try number `attempt` (1 for the first).
    /// - Parameter retryAfter: the server's `Retry-After`, in seconds, when it sent one.
    public func delay(attempt: Int, retryAfter: Double?, using generator: inout some RandomNumberGenerator) -> Double {
        if let retryAfter, retryAfter >= 0 { return min(retryAfter, maxRetryAfter) }
        var full = baseDelay
        for _ in 1..<max(1, min(attempt, 31)) { full *= 2 }
        full = min(full, maxDelay)
        guard full > 0 else { return 0 }
        return Double.random(in: (full / 2)...full, using: &generator)
    }

    /// The seconds of a `Retry-After` header: a number of seconds (an HTTP date is not honoured, nil).
    public static func parseRetryAfter(_ header: String?) -> Double? {
        guard let header, let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 else {
            return nil
        }
        return seconds
    }
}

import Foundation
