import Foundation

/// Runs blocking work (a child process waited for, a sleep loop) on a thread of its own.
///
/// Swift concurrency has one cooperative thread per core (two on CI). A test that waits for a minute-long
/// `terrace apply` on one of them starves every other test in the process: their timeouts fire while their
/// work waits for a thread. Whatever blocks goes through here instead.
public enum Blocking {
    /// Runs `work` on a new thread and returns its result, without holding a cooperative thread meanwhile.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
