import Foundation

/// A signed-in person's session in the web UI, kept server-side in the status database so any replica serves it.
///
/// The browser holds only an opaque random id in a `__Host-` cookie; the database keeps its SHA-256
/// (``idHash``), so a copy of the database does not let anyone sign in. Tokens the identity provider issued stay
/// here and are never sent to the browser.
public struct WebSession: Codable, Hashable, Sendable {
    /// SHA-256 of the cookie's value, hex.
    public var idHash: String
    /// Who signed in: the provider's `sub` (or `admin-token` for a token sign-in).
    public var subject: String
    /// A name to show: `preferred_username`, `email` or the subject.
    public var displayName: String
    /// `viewer` or `admin`.
    public var role: WebRole
    /// How the session was made: `oidc` or `token`.
    public var method: String
    /// The token every POST of this session must carry (a random value, compared in constant time).
    public var csrfToken: String
    /// When the session was made.
    public var createdAt: Date
    /// When it ends.
    public var expiresAt: Date
    /// The provider's ID token, kept for logout (`id_token_hint`); never shown.
    public var idToken: String?

    /// Creates a session.
    public init(
        idHash: String, subject: String, displayName: String, role: WebRole, method: String, csrfToken: String,
        createdAt: Date, expiresAt: Date, idToken: String? = nil
    ) {
        self.idHash = idHash
        self.subject = subject
        self.displayName = displayName
        self.role = role
        self.method = method
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.idToken = idToken
    }
}

/// What a signed-in person may do.
public enum WebRole: String, Codable, Hashable, Sendable, Comparable {
    /// Sees everything the UI shows.
    case viewer
    /// Also acts: reconcile, approve, discard, retry; sees the audit log.
    case admin

    public static func < (lhs: WebRole, rhs: WebRole) -> Bool { lhs == .viewer && rhs == .admin }
}
