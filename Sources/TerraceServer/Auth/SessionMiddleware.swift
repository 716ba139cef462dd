import Foundation
import Hummingbird
import TerraceCore

/// Reads the session cookie of every `/ui` request into `context.session` and `context.identity`, and keeps
/// anonymous people and viewers out of what they may not reach.
///
/// Public under `/ui`: `/ui/static/…`, `/ui/login…`, `/ui/auth/callback`. Anything else without a session: a page
/// request gets 303 to `/ui/login?next=<path>`, a POST or the live-log stream gets 401. Viewers get 403 on every
/// POST but logout, and on `/ui/audit`.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let dependencies: ServerDependencies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let session = try await dependencies.auth.session(of: request, store: dependencies.store) {
            context.session = session
            context.identity = WebIdentity(session: session)
        }
        let path = request.uri.path
        if Self.isPublic(path) { return try await next(request, context) }
        guard let identity = context.identity else {
            if request.method != .get && request.method != .head || Self.isStream(request) {
                return AuthPage.unauthenticated()
            }
            var target = path
            if let query = request.uri.query, !query.isEmpty { target += "?" + query }
            return Response.redirect(to: "/ui/login?next=" + Self.formEncode(target), type: .normal)
        }
        if identity.role != .admin && Self.needsAdmin(request) { return AuthPage.forbidden() }
        return try await next(request, context)
    }

    /// Paths under `/ui` anyone may reach.
    static func isPublic(_ path: String) -> Bool {
        path.hasPrefix("/ui/static/") || path == "/ui/login" || path.hasPrefix("/ui/login/") || path == "/ui/auth/callback"
    }

    /// Whether the request is the live-log stream (answered with 401, not a redirect, when anonymous).
    static func isStream(_ request: Request) -> Bool {
        request.uri.path.hasSuffix("/log/stream") || (request.headers[.accept]?.contains("text/event-stream") ?? false)
    }

    /// Whether only admins may do this: every POST but logout, and the audit log.
    static func needsAdmin(_ request: Request) -> Bool {
        let path = request.uri.path
        if request.method != .get && request.method != .head { return path != "/ui/logout" }
        return path == "/ui/audit" || path.hasPrefix("/ui/audit/")
    }

    /// Percent-encodes `text` for a query value.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `next` when it is a path on this site under `/ui` (`/ui…`, no scheme, no `//`, no backslash, no control
    /// characters); else `/ui`. Keeps sign-in from redirecting anywhere else.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/ui"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("//"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }), next.count <= 2048
        else { return "/ui" }
        let rest = next.dropFirst(3)
        guard rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?") else { return "/ui" }
        return next
    }
}
