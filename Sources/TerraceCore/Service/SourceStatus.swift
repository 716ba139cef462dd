import Foundation

/// The state of the git source the service follows.
public struct SourceStatus: Codable, Hashable, Sendable {
    /// The repository URL, with any credentials removed.
    public var url: String
    /// The branch followed.
    public var branch: String
    /// The folder of `terrace.yaml` inside the repository ("" for its root).
    public var path: String
    /// `Ready` (fetched and valid), `Stalled` (the revision does not validate or cannot be fetched).
    public var conditions: [Condition]
    /// The newest revision fetched.
    public var fetchedRevision: String?
    /// When the newest revision was committed.
    public var fetchedRevisionTime: Date?
    /// When the source was last fetched.
    public var fetchedAt: Date?
    /// The newest revision that validated.
    public var validRevision: String?
    /// The problems of the fetched revision when it does not validate: `file:line:column: message`.
    public var errors: [String]

    /// Creates a status.
    public init(
        url: String, branch: String, path: String, conditions: [Condition] = [], fetchedRevision: String? = nil,
        fetchedRevisionTime: Date? = nil, fetchedAt: Date? = nil, validRevision: String? = nil, errors: [String] = []
    ) {
        self.url = url
        self.branch = branch
        self.path = path
        self.conditions = conditions
        self.fetchedRevision = fetchedRevision
        self.fetchedRevisionTime = fetchedRevisionTime
        self.fetchedAt = fetchedAt
        self.validRevision = validRevision
        self.errors = errors
    }
}
