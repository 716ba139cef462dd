import Foundation
import Hummingbird
import TerraceCore

/// How people sign in to the web UI: session lifetime, the public URL, and the OIDC provider when one is set
/// (without one, the UI asks for the admin token once).
public struct WebAuth: Sendable {
    /// How long a session lives after sign-in (absolute).
    public var sessionTTL: TimeInterval
    /// The URL browsers reach the service at, without a trailing slash (`https://terrace.example.com`); the OIDC
    /// redirect URI is built from it, and `https` turns on HSTS.
    public var publicURL: String?
    /// The OIDC provider; nil signs in with the admin token.
    public var oidc: OIDCClient?
    /// The clock sessions and ID tokens are checked against.
    public var now: @Sendable () -> Date

    /// Creates the settings.
    public init(
        sessionTTL: TimeInterval = 12 * 3600, publicURL: String? = nil, oidc: OIDCClient? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.sessionTTL = sessionTTL
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.oidc = oidc
        self.now = now
    }

    /// Whether responses carry `Strict-Transport-Security` (the public URL is https).
    var strictTransport: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    /// The session `request` carries, when its cookie names a live one.
    func session(of request: Request, store: any ServiceStore) async throws -> WebSession? {
        guard let value = SessionCookie.value(SessionCookie.name, in: request) else { return nil }
        return try await store.session(SessionCookie.hash(value), now: now())
    }

    /// Makes a new session (a new id at every sign-in; `previous`, the cookie the browser had, is deleted), purges
    /// expired ones, and returns the cookie to set.
    func startSession(
        subject: String, displayName: String, role: WebRole, method: String, idToken: String? = nil, replacing previous: Request,
        store: any ServiceStore
    ) async throws -> (session: WebSession, cookie: Cookie) {
        let start = now()
        if let old = SessionCookie.value(SessionCookie.name, in: previous) {
            try await store.deleteSession(SessionCookie.hash(old))
        }
        try await store.deleteExpiredSessions(now: start)
        let value = SessionCookie.newValue()
        let session = WebSession(
            idHash: SessionCookie.hash(value), subject: subject, displayName: displayName, role: role, method: method,
            csrfToken: AuthRandom.token(bytes: 32), createdAt: start, expiresAt: start.addingTimeInterval(sessionTTL), idToken: idToken)
        try await store.saveSession(session)
        return (session, SessionCookie.session(value, maxAge: Int(sessionTTL)))
    }

    /// Appends a sign-in entry (`login`, `logout`, `login-failed`) to the audit log; never holds a token.
    func audit(_ action: String, actor: String, outcome: String, store: any ServiceStore) async {
        let at = now()
        let entry = AuditEntry(
            id: Self.auditID(at), at: at, actor: actor, action: action, target: "", outcome: outcome)
        try? await store.appendAudit(entry)
    }

    /// How the audit log names the person of `session`: `alice (sub 1234)`.
    static func actor(of session: WebSession) -> String {
        session.subject == session.displayName || session.subject == WebIdentity.adminToken.subject
            ? session.displayName : "\(session.displayName) (sub \(session.subject))"
    }

    /// A unique id that sorts by time: milliseconds since 1970, zero-padded, then random characters.
    static func auditID(_ date: Date) -> String {
        let millis = String(Int64(date.timeIntervalSince1970 * 1000))
        return String(repeating: "0", count: max(0, 15 - millis.count)) + millis + "-" + AuthRandom.token(bytes: 6)
    }
}

extension WebIdentity {
    /// The identity of a signed-in session.
    init(session: WebSession) {
        self.init(name: session.displayName, subject: session.subject, role: session.role)
    }
}
