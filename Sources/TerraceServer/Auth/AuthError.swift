/// Why a sign-in, a session or a protected request was refused: a code for tests and logs, and a message safe to
/// show in the browser (it never holds a token, a code, a secret or a provider's raw answer).
public struct AuthError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, for code and tests.
    public enum Code: String, Hashable, Sendable {
        /// No usable credentials (no session, a wrong token).
        case unauthenticated
        /// Signed in, but the role does not allow it.
        case forbidden
        /// A missing or wrong CSRF token, or a login that was not started by this browser.
        case csrf
        /// The `state` of a callback is unknown, used already or expired.
        case invalidState
        /// The provider answered with an error or something unreadable.
        case provider
        /// The ID token failed a check (signature, issuer, audience, expiry, nonce).
        case invalidToken
        /// The sign-in method is not configured.
        case notConfigured
    }

    /// What went wrong.
    public var code: Code
    /// A message safe to show.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
