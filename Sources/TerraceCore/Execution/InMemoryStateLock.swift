import Foundation

/// A ``StateLock`` held in memory, for tests and single-process use.
public actor InMemoryStateLock: StateLock {
    private var held: [String: LockInfo] = [:]
    private let holder: String

    /// Creates a lock whose holdings are attributed to `holder`.
    public init(holder: String = "test@localhost") {
        self.holder = holder
    }

    public func acquire(infrastructure: String, operation: String, timeout: Double) async throws(LockError) -> LockInfo {
        let deadline = Date().addingTimeInterval(timeout)
        while let current = held[infrastructure] {
            guard Date() < deadline else {
                throw LockError(.held, holder: current, LockError.heldMessage(current))
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let info = LockInfo(id: UUID().uuidString, infrastructure: infrastructure, holder: holder, operation: operation, createdAt: Date())
        held[infrastructure] = info
        return info
    }

    public func release(_ lock: LockInfo) throws(LockError) {
        if held[lock.infrastructure]?.id == lock.id { held[lock.infrastructure] = nil }
    }

    /// The current holding of `infrastructure`, if any.
    public func holding(_ infrastructure: String) -> LockInfo? { held[infrastructure] }
}
