import Foundation

/// Who holds one infrastructure's lock (the lock every `terrace apply` and service run takes in its state bucket).
public struct InfrastructureLock: Hashable, Sendable {
    /// The infrastructure.
    public var infrastructure: String
    /// The holding, or nil when the lock is free.
    public var holder: LockInfo?
    /// Why the lock could not be read, safe to show.
    public var error: String?
    /// When it was read.
    public var readAt: Date

    /// Creates a lock view.
    public init(infrastructure: String, holder: LockInfo?, error: String? = nil, readAt: Date) {
        self.infrastructure = infrastructure
        self.holder = holder
        self.error = error
        self.readAt = readAt
    }
}
