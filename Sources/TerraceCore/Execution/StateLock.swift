import Foundation

/// A lock over one infrastructure, so that two runs never change it at once.
public protocol StateLock: Sendable {
    /// Takes the lock for `infrastructure`, waiting up to `timeout` seconds while another run holds it.
    /// Throws ``LockError`` naming the holder when it stays held.
    func acquire(infrastructure: String, operation: String, timeout: Double) async throws(LockError) -> LockInfo
    /// Releases a lock taken with ``acquire(infrastructure:operation:timeout:)``.
    func release(_ lock: LockInfo) async throws(LockError)
}

/// Who holds a lock, and since when.
public struct LockInfo: Codable, Hashable, Sendable {
    /// A unique id of this holding.
    public var id: String
    /// The infrastructure locked.
    public var infrastructure: String
    /// `user@host (pid N)`.
    public var holder: String
    /// What the holder is doing: `apply`, `destroy`…
    public var operation: String
    /// When the lock was taken.
    public var createdAt: Date

    /// Creates lock information.
    public init(id: String, infrastructure: String, holder: String, operation: String, createdAt: Date) {
        self.id = id
        self.infrastructure = infrastructure
        self.holder = holder
        self.operation = operation
        self.createdAt = createdAt
    }
}

/// A lock could not be taken or released.
public struct LockError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// Another run holds the lock.
        case held
        /// The lock could not be read or written.
        case unavailable
    }

    /// The kind of failure.
    public var code: Code
    /// The current holder, for `held`.
    public var holder: LockInfo?
    /// A one-line message safe to show.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, holder: LockInfo? = nil, _ message: String) {
        self.code = code
        self.holder = holder
        self.message = message
    }

    public var description: String { message }
}

extension LockError {
    /// "infrastructure `dev` is locked by root@host (pid 42) for apply since 2026-11-21T06:00:00Z".
    public static func heldMessage(_ info: LockInfo) -> String {
        let since = info.createdAt.formatted(Date.ISO8601FormatStyle())
        return "infrastructure `\(info.infrastructure)` is locked by \(info.holder) for \(info.operation) since \(since)"
    }
}

extension LockInfo {
    /// This process as a lock holder: `user@host (pid N)` (the host name without a DNS lookup).
    public static func currentHolder() -> String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["LOGNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName()
        var buffer = [CChar](repeating: 0, count: 256)
        let host: String
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            host = name.isEmpty ? "localhost" : name
        } else {
            host = "localhost"
        }
        return "\(user)@\(host) (pid \(ProcessInfo.processInfo.processIdentifier))"
    }
}
