import Foundation

/// One action someone took through the UI or the API, kept for admins to read.
public struct AuditEntry: Codable, Hashable, Sendable {
    /// A unique, sortable id.
    public var id: String
    /// When.
    public var at: Date
    /// Who: a session's display name and subject (`alice (sub 1234)`), or `admin token (API)`.
    public var actor: String
    /// What: `reconcile`, `approve`, `discard`, `retry`, `login`, `logout`, `login-failed`.
    public var action: String
    /// On what: an infrastructure or a run id, or empty.
    public var target: String
    /// How it ended, safe to show: `queued`, `approved`, `refused: …`.
    public var outcome: String

    /// Creates an entry.
    public init(id: String, at: Date, actor: String, action: String, target: String, outcome: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
    }
}
