import Foundation
import Hummingbird

/// The browser's side of a session: an opaque random value in a `__Host-` cookie (Secure, HttpOnly, SameSite=Lax,
/// Path=/, no Domain); the store keeps only its SHA-256.
enum SessionCookie {
    /// The session cookie's name.
    static let name = "__Host-terrace_session"
    /// The cookie binding a sign-in in progress to this browser (login CSRF token, OIDC state).
    static let loginName = "__Host-terrace_login"
    /// How long a sign-in may take, in seconds.
    static let loginLifetime = 600

    /// A new session id: 32 random bytes, URL-safe base64.
    static func newValue() -> String { AuthRandom.token(bytes: 32) }

    /// The key the store keeps a session under: the hex SHA-256 of the cookie's value.
    static func hash(_ value: String) -> String { AuthRandom.sha256Hex(value) }

    /// The `Set-Cookie` of a session that lives `maxAge` seconds.
    static func session(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: max(maxAge, 0), path: "/", secure: true, httpOnly: true, sameSite: .lax)
    }

    /// The `Set-Cookie` of a sign-in in progress.
    static func login(_ value: String) -> Cookie {
        Cookie(name: loginName, value: value, maxAge: loginLifetime, path: "/", secure: true, httpOnly: true, sameSite: .lax)
    }

    /// A `Set-Cookie` that makes the browser forget `cookieName`.
    static func cleared(_ cookieName: String) -> Cookie {
        Cookie(
            name: cookieName, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: true, httpOnly: true,
            sameSite: .lax)
    }

    /// The value of `cookieName` in `request`, when it looks like one of ours (URL-safe base64, sane length).
    static func value(_ cookieName: String, in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, (16...128).contains(value.count),
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return value
    }
}
