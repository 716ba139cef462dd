import Hummingbird
import TerraceCore

/// The request context of every route: Hummingbird's core context plus who is asking, once a middleware has read
/// the session cookie or the bearer token.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in session, when the request carried a valid session cookie.
    public var session: WebSession?
    /// Who is asking: from the session, or `admin token` for a valid bearer token; nil when anonymous.
    public var identity: WebIdentity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// Who is asking, and what they may do.
public struct WebIdentity: Hashable, Sendable {
    /// What the audit log and the run records name: a display name, or `admin token`.
    public var name: String
    /// The provider's subject, or `admin-token`.
    public var subject: String
    /// What they may do.
    public var role: WebRole

    /// Creates an identity.
    public init(name: String, subject: String, role: WebRole) {
        self.name = name
        self.subject = subject
        self.role = role
    }

    /// The admin token's identity (API calls with the bearer token).
    public static let adminToken = WebIdentity(name: "admin token", subject: "admin-token", role: .admin)
}
