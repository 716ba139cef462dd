import Foundation

/// A commit of the followed branch.
public struct SourceRevision: Codable, Hashable, Sendable {
    /// The commit id.
    public var id: String
    /// When it was committed.
    public var committedAt: Date?

    /// Creates a revision.
    public init(id: String, committedAt: Date? = nil) {
        self.id = id
        self.committedAt = committedAt
    }

    /// The first 12 characters of the id.
    public var short: String { String(id.prefix(12)) }
}
