import Foundation
import Hummingbird
import TerraceCore

/// Sign-in and sign-out under `/ui`:
///
/// - `GET /ui/login`: the sign-in page: a single sign-on button with OIDC, else a form asking for the admin token.
/// - `POST /ui/login/token`: checks the admin token and makes an admin session (without OIDC only).
/// - `GET /ui/login/oidc`: starts the OIDC authorization code flow and redirects to the provider.
/// - `GET /ui/auth/callback`: finishes it and makes a session.
/// - `POST /ui/logout`: ends the session (and, with OIDC, at the provider when it supports that).
///
/// The CSRF token of the sign-in forms is the value of the `__Host-terrace_login` cookie (there is no session
/// yet); the same cookie binds an OIDC sign-in to the browser that started it.
struct LoginController {
    let dependencies: ServerDependencies
    let renderer: PageRenderer

    var auth: WebAuth { dependencies.auth }

    var routes: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("login") { request, context in try await loginPage(request, context) }
        routes.post("login/token") { request, context in try await tokenLogin(request, context) }
        routes.get("login/oidc") { request, context in try await oidcBegin(request, context) }
        routes.get("auth/callback") { request, context in try await oidcCallback(request, context) }
        routes.post("logout") { request, context in try await logout(request, context) }
        return routes
    }

    // MARK: Pages

    /// The sign-in page; a signed-in person goes straight on to `next`.
    func loginPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let next = SessionMiddleware.safeNext(request.uri.queryParameters.get("next"))
        if context.session != nil { return Self.seeOther(next) }
        return page(request, context, next: next, error: nil, status: .ok)
    }

    /// The sign-in page with `error` in its banner; sets the login cookie when the browser has none.
    func page(
        _ request: Request, _ context: WebRequestContext, next: String, error: String?, status: HTTPResponse.Status
    ) -> Response {
        let existing = SessionCookie.value(SessionCookie.loginName, in: request)
        let login = existing ?? AuthRandom.token(bytes: 32)
        var data: [String: Any] = [
            "section": "login", "next": next, "oidc": auth.oidc != nil, "tokenForm": auth.oidc == nil, "loginCsrf": login,
            "oidcStart": "/ui/login/oidc?next=" + SessionMiddleware.formEncode(next),
        ]
        if let error { data["error"] = error }
        var response = renderer.page("login", title: "Sign in", context: context, data: data, status: status)
        // Set again even when the browser has it: the same value, a fresh lifetime.
        response.setCookie(SessionCookie.login(login))
        return response
    }

    // MARK: Admin token

    /// Checks the admin token of the form; right: a new admin session and 303 to `next`; wrong: 401 and an audit
    /// entry, nothing else. (The CSRF middleware has checked the form's `csrf` against the login cookie.)
    func tokenLogin(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard auth.oidc == nil else {
            return AuthPage.html(.notFound, title: "Not available", message: "Sign in with single sign-on instead.", signIn: true)
        }
        var request = request
        let fields = CSRFMiddleware.formFields(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        let next = SessionMiddleware.safeNext(fields["next"])
        guard let token = fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines), dependencies.token.accepts(token) else {
            await auth.audit("login-failed", actor: "anonymous", outcome: "refused: wrong admin token", store: dependencies.store)
            return page(request, context, next: next, error: "That is not the admin token.", status: .unauthorized)
        }
        let (session, cookie) = try await auth.startSession(
            subject: WebIdentity.adminToken.subject, displayName: WebIdentity.adminToken.name, role: .admin, method: "token",
            replacing: request, store: dependencies.store)
        await auth.audit("login", actor: WebAuth.actor(of: session), outcome: "signed in with the admin token", store: dependencies.store)
        var response = Self.seeOther(next)
        response.setCookie(cookie)
        response.setCookie(SessionCookie.cleared(SessionCookie.loginName))
        return response
    }

    // MARK: OIDC

    /// Starts the OIDC flow: remembers state, nonce and PKCE verifier for this browser, then 303 to the provider.
    func oidcBegin(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let oidc = auth.oidc else {
            return AuthPage.html(.notFound, title: "Not available", message: "Single sign-on is not configured.", signIn: true)
        }
        let next = SessionMiddleware.safeNext(request.uri.queryParameters.get("next"))
        let existing = SessionCookie.value(SessionCookie.loginName, in: request)
        let browser = existing ?? AuthRandom.token(bytes: 32)
        let location: String
        do {
            location = try await oidc.begin(next: next, browser: browser, now: auth.now())
        } catch {
            return page(request, context, next: next, error: error.message, status: .badGateway)
        }
        var response = Self.seeOther(location)
        response.setCookie(SessionCookie.login(browser))
        return response
    }

    /// Finishes the OIDC flow: a session for the person the ID token names, or the sign-in page with why not.
    func oidcCallback(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let oidc = auth.oidc else {
            return AuthPage.html(.notFound, title: "Not available", message: "Single sign-on is not configured.", signIn: true)
        }
        let query = request.uri.queryParameters
        let browser = SessionCookie.value(SessionCookie.loginName, in: request)
        let state = query.get("state") ?? ""
        if let providerError = query.get("error") {
            let next = await oidc.abandon(state: state, browser: browser, now: auth.now()) ?? "/ui"
            let code = OIDCClient.safeCode(providerError)
            await auth.audit("login-failed", actor: "anonymous", outcome: "refused by the provider: \(code)", store: dependencies.store)
            return page(request, context, next: next, error: "The identity provider did not sign you in (\(code)).", status: .unauthorized)
        }
        let signIn: OIDCClient.SignIn
        do {
            signIn = try await oidc.complete(state: state, code: query.get("code") ?? "", browser: browser, now: auth.now())
        } catch {
            await auth.audit("login-failed", actor: "anonymous", outcome: "refused: \(error.code.rawValue)", store: dependencies.store)
            let status: HTTPResponse.Status = error.code == .provider ? .badGateway : .unauthorized
            return page(request, context, next: "/ui", error: error.message, status: status)
        }
        let (session, cookie) = try await auth.startSession(
            subject: signIn.subject, displayName: signIn.displayName, role: signIn.role, method: "oidc", idToken: signIn.idToken,
            replacing: request, store: dependencies.store)
        await auth.audit(
            "login", actor: WebAuth.actor(of: session), outcome: "signed in with OIDC as \(session.role.rawValue)", store: dependencies.store)
        var response = Self.seeOther(signIn.next)
        response.setCookie(cookie)
        response.setCookie(SessionCookie.cleared(SessionCookie.loginName))
        return response
    }

    // MARK: Logout

    /// Deletes the session and its cookie, then 303 to the sign-in page; with OIDC and a provider that has an
    /// `end_session_endpoint`, a page that continues there instead (a redirect would be blocked: the CSP's
    /// `form-action 'self'` also covers redirects of a form's POST). (The session and CSRF middleware have run.)
    func logout(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        var providerLogout: String?
        if let session = context.session {
            try await dependencies.store.deleteSession(session.idHash)
            await auth.audit("logout", actor: WebAuth.actor(of: session), outcome: "signed out", store: dependencies.store)
            if session.method == "oidc", let oidc = auth.oidc {
                providerLogout = await oidc.logoutURL(idToken: session.idToken, now: auth.now())
            }
        }
        var response = providerLogout.map(AuthPage.continueToProvider) ?? Self.seeOther("/ui/login")
        response.setCookie(SessionCookie.cleared(SessionCookie.name))
        return response
    }

    /// A 303 to `location`.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
