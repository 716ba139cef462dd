import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TerraceCore
import TerraceServer
import TerraceTestSupport

/// A clock tests move by hand (sessions expire without waiting).
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The production router over fakes, with a hand-moved clock, plus what sign-in tests need: reading cookies,
/// signing in with the admin token, making sessions of a given role.
struct AuthFixture {
    static let token = RouterTests.token
    static let ttl: TimeInterval = 3600

    let environment = FakeReconcileEnvironment()
    let store = InMemoryServiceStore()
    let clock = TestClock()
    let reconciler: Reconciler
    let dependencies: ServerDependencies

    init(publicURL: String? = nil, oidc: OIDCClient? = nil) {
        reconciler = Reconciler(store: store, environment: environment, settings: ReconcilerSettings(replica: "auth"))
        var dependencies = ServerDependencies(
            reconciler: reconciler, store: store, metrics: ServiceMetrics(), token: AdminToken(hash: RouterTests.Fixture.tokenDigest),
            webhook: WebhookVerifier(secret: nil), branch: "main")
        let clock = clock
        dependencies.auth = WebAuth(sessionTTL: Self.ttl, publicURL: publicURL, oidc: oidc, now: { clock.now })
        self.dependencies = dependencies
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(dependencies))
        try await app.test(.router, body)
    }

    func synced() async {
        await environment.source.push("r1", RouterTests.files)
        await reconciler.sync(.poll)
        await reconciler.waitUntilIdle()
    }

    /// A browser's signed-in session: the cookie's value and the session's CSRF token.
    struct Browser {
        var cookie: String
        var csrf: String
        var headers: HTTPFields { [.cookie: "\(SessionNames.session)=\(cookie)"] }

        /// Headers of a form POST carrying `fields` (and the session cookie).
        func form(_ fields: [String: String]) -> (HTTPFields, ByteBuffer) {
            var headers = headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            return (headers, AuthFixture.formBody(fields))
        }
    }

    enum SessionNames {
        static let session = "__Host-terrace_session"
        static let login = "__Host-terrace_login"
    }

    /// SHA-256 hex, computed here independently of the server's code.
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A URL-encoded form body.
    static func formBody(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
        return ByteBuffer(string: text)
    }

    /// Every `Set-Cookie` of a response, by cookie name: the whole header line.
    static func setCookies(_ response: TestResponse) -> [String: String] {
        var result: [String: String] = [:]
        for line in response.headers[values: .setCookie] {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals])] = line
        }
        return result
    }

    /// The value a `Set-Cookie` line sets.
    static func cookieValue(_ line: String?) -> String? {
        guard let line, let equals = line.firstIndex(of: "=") else { return nil }
        return String(line[line.index(after: equals)...].prefix { $0 != ";" })
    }

    /// The login cookie the sign-in page sets (it is also the form's CSRF token).
    func loginCookie(_ client: any TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/ui/login", method: .get) { response in
            #expect(response.status == .ok)
            let value = try #require(Self.cookieValue(Self.setCookies(response)[SessionNames.login]))
            #expect(String(buffer: response.body).contains("value=\"\(value)\""))
            return value
        }
    }

    /// Signs in with the admin token through the form; `previous` is a session cookie the browser already has.
    func signIn(_ client: any TestClientProtocol, previous: String? = nil, next: String = "/ui") async throws -> Browser {
        let login = try await loginCookie(client)
        var cookie = "\(SessionNames.login)=\(login)"
        if let previous { cookie += "; \(SessionNames.session)=\(previous)" }
        let value = try await client.execute(
            uri: "/ui/login/token", method: .post,
            headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: Self.formBody(["csrf": login, "token": Self.token, "next": next])
        ) { response in
            #expect(response.status == .seeOther)
            return try #require(Self.cookieValue(Self.setCookies(response)[SessionNames.session]))
        }
        let session = try #require(try await store.session(Self.sha256(value), now: clock.now))
        return Browser(cookie: value, csrf: session.csrfToken)
    }

    /// A session of `role` put in the store directly (as an OIDC sign-in would make it).
    func session(role: WebRole, name: String = "viola") async throws -> Browser {
        let value = "test-session-\(role.rawValue)-0123456789abcdef"
        let csrf = "csrf-\(role.rawValue)-0123456789abcdef"
        try await store.saveSession(
            WebSession(
                idHash: Self.sha256(value), subject: "sub-\(name)", displayName: name, role: role, method: "oidc", csrfToken: csrf,
                createdAt: clock.now, expiresAt: clock.now.addingTimeInterval(Self.ttl)))
        return Browser(cookie: value, csrf: csrf)
    }

    /// The audit entries of `action`.
    func audit(_ action: String) async throws -> [AuditEntry] {
        try await store.auditEntries(limit: 1000, offset: 0).filter { $0.action == action }
    }
}

/// Sessions, the token sign-in, CSRF, roles and logout, through the production router.
@Suite struct AuthTests {
    static let pages = ["/ui", "/ui/infrastructures/web", "/ui/runs/run-1", "/ui/source", "/ui/locks", "/ui/audit"]
    static let actions = [
        "/ui/infrastructures/web/reconcile", "/ui/runs/run-1/approve", "/ui/runs/run-1/discard", "/ui/runs/run-1/retry",
    ]

    @Test func pagesWithoutASessionRedirectToTheSignInPage() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            for page in Self.pages {
                try await client.execute(uri: page + "?status=failed", method: .get) { response in
                    #expect(response.status == .seeOther, "\(page)")
                    #expect(response.headers[.location] == "/ui/login?next=\(page)%3Fstatus%3Dfailed", "\(page)")
                }
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/ui")
            }
            try await client.execute(uri: "/ui/login", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ui/static/terrace.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] != "no-store")
            }
        }
    }

    @Test func actionsAndTheLiveStreamWithoutASessionGet401() async throws {
        let fixture = AuthFixture()
        await fixture.synced()
        try await fixture.test { client in
            for action in Self.actions + ["/ui/logout"] {
                try await client.execute(
                    uri: action, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "csrf=anything")
                ) { #expect($0.status == .unauthorized, "\(action)") }
            }
            try await client.execute(uri: "/ui/runs/run-1/units/app/log/stream", method: .get, headers: [.accept: "text/event-stream"]) {
                #expect($0.status == .unauthorized)
            }
        }
        #expect(try await fixture.audit("reconcile").isEmpty)
        #expect(await fixture.reconciler.queuedInfrastructures.isEmpty)
    }

    @Test func theAdminTokenSignsInOnceWithAStrictSessionCookie() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            let login = try await fixture.loginCookie(client)
            try await client.execute(
                uri: "/ui/login/token", method: .post,
                headers: [.cookie: "__Host-terrace_login=\(login)", .contentType: "application/x-www-form-urlencoded"],
                body: AuthFixture.formBody(["csrf": login, "token": AuthFixture.token, "next": "/ui/source?x=1"])
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/source?x=1")
                let cookies = AuthFixture.setCookies(response)
                let line = try #require(cookies["__Host-terrace_session"])
                let attributes = Set(line.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
                #expect(attributes.isSuperset(of: ["secure", "httponly", "samesite=lax", "path=/", "max-age=3600"]))
                #expect(!attributes.contains { $0.hasPrefix("domain") })
                let value = try #require(AuthFixture.cookieValue(line))
                // 32 random bytes, URL-safe base64 without padding.
                #expect(value.count == 43)
                #expect(Data(base64Encoded: value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "=")?.count == 32)
                let session = try #require(try await fixture.store.session(AuthFixture.sha256(value), now: fixture.clock.now))
                #expect(session.role == .admin && session.method == "token")
                #expect(session.expiresAt == fixture.clock.now.addingTimeInterval(AuthFixture.ttl))
                #expect(session.csrfToken.count >= 32)
                // The login cookie is spent.
                #expect(cookies["__Host-terrace_login"]?.contains("Max-Age=0") == true)
                try await client.execute(uri: "/ui", method: .get, headers: [.cookie: "__Host-terrace_session=\(value)"]) { page in
                    #expect(page.status == .ok)
                    #expect(String(buffer: page.body).contains(session.csrfToken))
                }
            }
        }
        let entries = try await fixture.audit("login")
        #expect(entries.count == 1)
        #expect(entries.first?.actor == "admin token")
        let all = try await fixture.store.auditEntries(limit: 100, offset: 0)
        #expect(!all.contains { "\($0)".contains(AuthFixture.token) })
    }

    @Test func aWrongTokenGets401AnAuditEntryAndNothingElse() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            let login = try await fixture.loginCookie(client)
            try await client.execute(
                uri: "/ui/login/token", method: .post,
                headers: [.cookie: "__Host-terrace_login=\(login)", .contentType: "application/x-www-form-urlencoded"],
                body: AuthFixture.formBody(["csrf": login, "token": "trc_wrong-token-guess-123456", "next": "/ui"])
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(AuthFixture.setCookies(response)["__Host-terrace_session"] == nil)
                let body = String(buffer: response.body)
                #expect(body.contains("not the admin token"))
                #expect(!body.contains("trc_wrong-token-guess-123456"))
            }
        }
        let failed = try await fixture.audit("login-failed")
        #expect(failed.count == 1)
        #expect(!"\(failed)".contains("trc_wrong-token-guess"))
        #expect(try await fixture.audit("login").isEmpty)
    }

    @Test func theTokenFormNeedsItsLoginCSRFToken() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            let login = try await fixture.loginCookie(client)
            let attempts: [(HTTPFields, [String: String])] = [
                ([.cookie: "__Host-terrace_login=\(login)"], ["token": AuthFixture.token]),
                ([.cookie: "__Host-terrace_login=\(login)"], ["token": AuthFixture.token, "csrf": login + "x"]),
                ([:], ["token": AuthFixture.token, "csrf": login]),
            ]
            for (cookies, fields) in attempts {
                var headers = cookies
                headers[.contentType] = "application/x-www-form-urlencoded"
                try await client.execute(uri: "/ui/login/token", method: .post, headers: headers, body: AuthFixture.formBody(fields)) {
                    response in
                    #expect(response.status == .forbidden)
                    #expect(AuthFixture.setCookies(response)["__Host-terrace_session"] == nil)
                }
            }
        }
        #expect(try await fixture.audit("login").isEmpty)
    }

    @Test func onlySameSiteUIPathsAreFollowedAfterSignIn() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            for next in ["https://evil.example/ui", "//evil.example/ui", "/\\evil.example", "/uix", "/ui//evil.example", "javascript:alert(1)"] {
                let login = try await fixture.loginCookie(client)
                try await client.execute(
                    uri: "/ui/login/token", method: .post,
                    headers: [.cookie: "__Host-terrace_login=\(login)", .contentType: "application/x-www-form-urlencoded"],
                    body: AuthFixture.formBody(["csrf": login, "token": AuthFixture.token, "next": next])
                ) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/ui", "\(next)")
                }
            }
        }
    }

    @Test func signingInAgainRotatesTheSessionAndDeletesTheOldOne() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            let first = try await fixture.signIn(client)
            let second = try await fixture.signIn(client, previous: first.cookie)
            #expect(first.cookie != second.cookie)
            #expect(first.csrf != second.csrf)
            #expect(try await fixture.store.session(AuthFixture.sha256(first.cookie), now: .distantPast) == nil)
            #expect(try await fixture.store.session(AuthFixture.sha256(second.cookie), now: fixture.clock.now) != nil)
            try await client.execute(uri: "/ui", method: .get, headers: first.headers) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/ui", method: .get, headers: second.headers) { #expect($0.status == .ok) }
        }
    }

    @Test func sessionsExpireAndArePurgedAtTheNextSignIn() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            let browser = try await fixture.signIn(client)
            fixture.clock.advance(AuthFixture.ttl - 1)
            try await client.execute(uri: "/ui", method: .get, headers: browser.headers) { #expect($0.status == .ok) }
            fixture.clock.advance(2)
            try await client.execute(uri: "/ui", method: .get, headers: browser.headers) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/ui/login") == true)
            }
            let (headers, body) = browser.form(["csrf": browser.csrf])
            try await client.execute(uri: "/ui/infrastructures/web/reconcile", method: .post, headers: headers, body: body) {
                #expect($0.status == .unauthorized)
            }
            // Still stored until a purge; the next sign-in purges it.
            #expect(try await fixture.store.session(AuthFixture.sha256(browser.cookie), now: .distantPast) != nil)
            _ = try await fixture.signIn(client)
            #expect(try await fixture.store.session(AuthFixture.sha256(browser.cookie), now: .distantPast) == nil)
        }
    }

    @Test func logoutNeedsTheCSRFTokenThenEndsTheSession() async throws {
        let fixture = AuthFixture()
        try await fixture.test { client in
            let browser = try await fixture.signIn(client)
            let (headers, _) = browser.form([:])
            try await client.execute(uri: "/ui/logout", method: .post, headers: headers, body: AuthFixture.formBody(["csrf": "nope"])) {
                #expect($0.status == .forbidden)
            }
            #expect(try await fixture.store.session(AuthFixture.sha256(browser.cookie), now: fixture.clock.now) != nil)
            try await client.execute(uri: "/ui/logout", method: .post, headers: headers, body: AuthFixture.formBody(["csrf": browser.csrf])) {
                response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login")
                let cleared = try #require(AuthFixture.setCookies(response)["__Host-terrace_session"])
                #expect(AuthFixture.cookieValue(cleared) == "")
                #expect(cleared.contains("Max-Age=0"))
            }
            #expect(try await fixture.store.session(AuthFixture.sha256(browser.cookie), now: .distantPast) == nil)
            try await client.execute(uri: "/ui", method: .get, headers: browser.headers) { #expect($0.status == .seeOther) }
        }
        #expect(try await fixture.audit("logout").count == 1)
    }

    @Test func actionsWithoutOrWithAWrongCSRFTokenAre403AndChangeNothing() async throws {
        let fixture = AuthFixture()
        await fixture.synced()
        let runsBefore = try await fixture.store.runs(infrastructure: nil, status: nil, limit: 100)
        try await fixture.test { client in
            let browser = try await fixture.signIn(client)
            for action in Self.actions {
                for fields in [[:], ["csrf": "wrong"], ["csrf": ""]] {
                    let (headers, body) = browser.form(fields)
                    try await client.execute(uri: action, method: .post, headers: headers, body: body) { response in
                        #expect(response.status == .forbidden, "\(action) \(fields)")
                    }
                }
                // A header with a wrong token does not help either.
                var headers = browser.headers
                headers[HTTPField.Name("X-CSRF-Token")!] = "wrong"
                try await client.execute(uri: action, method: .post, headers: headers) { #expect($0.status == .forbidden) }
            }
            #expect(try await fixture.audit("reconcile").isEmpty)
            #expect(try await fixture.store.runs(infrastructure: nil, status: nil, limit: 100) == runsBefore)
            #expect(await fixture.reconciler.queuedInfrastructures.isEmpty)
            // The right token goes through to the action.
            let (headers, body) = browser.form(["csrf": browser.csrf])
            try await client.execute(uri: "/ui/infrastructures/web/reconcile", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/ui/infrastructures/web") == true)
            }
        }
        #expect(try await fixture.audit("reconcile").count == 1)
    }

    @Test func viewersSeePagesButCannotActOrReadTheAuditLog() async throws {
        let fixture = AuthFixture()
        await fixture.synced()
        try await fixture.test { client in
            let viewer = try await fixture.session(role: .viewer)
            try await client.execute(uri: "/ui", method: .get, headers: viewer.headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ui/infrastructures/web", method: .get, headers: viewer.headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ui/audit", method: .get, headers: viewer.headers) { #expect($0.status == .forbidden) }
            for action in Self.actions {
                let (headers, body) = viewer.form(["csrf": viewer.csrf])
                try await client.execute(uri: action, method: .post, headers: headers, body: body) { #expect($0.status == .forbidden, "\(action)") }
            }
            // A viewer may still sign out.
            let (headers, body) = viewer.form(["csrf": viewer.csrf])
            try await client.execute(uri: "/ui/logout", method: .post, headers: headers, body: body) { #expect($0.status == .seeOther) }
        }
        #expect(try await fixture.audit("reconcile").isEmpty)
        #expect(await fixture.reconciler.queuedInfrastructures.isEmpty)
    }

    @Test func theAPITakesTheTokenOrASessionWithItsCSRFHeader() async throws {
        let fixture = AuthFixture()
        await fixture.synced()
        let csrfHeader = try #require(HTTPField.Name("X-CSRF-Token"))
        try await fixture.test { client in
            let admin = try await fixture.session(role: .admin, name: "ada")
            let viewer = try await fixture.session(role: .viewer)
            try await client.execute(uri: "/api/v1/infrastructures", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/api/v1/infrastructures", method: .get, headers: viewer.headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/infrastructures", method: .get, headers: RouterTests.bearer()) { #expect($0.status == .ok) }
            // A wrong bearer token is refused even with a session.
            var both = admin.headers
            both[.authorization] = "Bearer trc_wrong"
            try await client.execute(uri: "/api/v1/infrastructures", method: .get, headers: both) { #expect($0.status == .unauthorized) }
            let reconcile = "/api/v1/infrastructures/web/reconcile"
            try await client.execute(uri: reconcile, method: .post, headers: admin.headers) { #expect($0.status == .forbidden) }
            var wrong = admin.headers
            wrong[csrfHeader] = "wrong"
            try await client.execute(uri: reconcile, method: .post, headers: wrong) { #expect($0.status == .forbidden) }
            var viewerPost = viewer.headers
            viewerPost[csrfHeader] = viewer.csrf
            try await client.execute(uri: reconcile, method: .post, headers: viewerPost) { #expect($0.status == .forbidden) }
            #expect(await fixture.reconciler.queuedInfrastructures.isEmpty)
            var right = admin.headers
            right[csrfHeader] = admin.csrf
            try await client.execute(uri: reconcile, method: .post, headers: right) { #expect($0.status == .accepted) }
        }
    }
}
