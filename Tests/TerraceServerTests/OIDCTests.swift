import AsyncHTTPClient
import Crypto
import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import TerraceCore
import TerraceServer

/// The claims the fake provider signs into ID tokens.
struct TestIDToken: JWTPayload {
    var iss: String
    var sub: String
    var aud: [String]
    var exp: Int
    var iat: Int
    var nonce: String?
    var azp: String?
    var groups: [String]?
    var preferredUsername: String?
    var name: String?
    var email: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, azp, groups, name, email
        case preferredUsername = "preferred_username"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// An OpenID provider in the test process: discovery, JWKS and a token endpoint that checks the client's secret,
/// the redirect URI and the PKCE verifier against the challenge of the code, and answers with ID tokens signed by
/// keys the test made. The test plays the browser and the provider's login page: it reads the authorization URL
/// Terrace redirects to and issues a code for it.
actor FakeProvider {
    static let clientID = "terrace-test"
    static let clientSecret = "s3cret:with/odd chars"

    /// A code the test issued.
    struct Grant {
        var claims: TestIDToken
        var challenge: String
        var redirectURI: String
        var kid: String
    }

    /// What a token request carried.
    struct TokenRequest {
        var code: String
        var verifierMatchesChallenge: Bool
        var clientAuthenticated: Bool
        var redirectURIMatches: Bool
    }

    var issuer = ""
    var endSession = true
    var authMethods: [String]? = nil
    private(set) var grants: [String: Grant] = [:]
    private(set) var tokenRequests: [TokenRequest] = []
    private(set) var jwksFetches = 0
    private var published: [String: [String: String]] = [:]
    let signers = JWTKeyCollection()

    /// Makes an ES256 key; `publish` puts it in the JWKS.
    func addECKey(kid: String, publish: Bool = true) async throws {
        let key = ES256PrivateKey()
        await signers.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let parameters = try #require(key.publicKey.parameters)
        if publish {
            published[kid] = ["kty": "EC", "crv": "P-256", "x": parameters.x, "y": parameters.y, "kid": kid, "use": "sig", "alg": "ES256"]
        }
    }

    /// Makes an RS256 key (2048 bits) and publishes it, without `alg` as many providers do.
    func addRSAKey(kid: String) async throws {
        let key = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        await signers.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        published[kid] = ["kty": "RSA", "n": Self.base64URL(modulus), "e": Self.base64URL(exponent), "kid": kid, "use": "sig"]
    }

    func publish(_ kid: String, _ jwk: [String: String]) { published[kid] = jwk }
    func setEndSession(_ value: Bool) { endSession = value }
    func setAuthMethods(_ value: [String]?) { authMethods = value }

    /// Issues `code` for an authorization request with `challenge`.
    func issue(code: String, claims: TestIDToken, challenge: String, redirectURI: String, kid: String) {
        grants[code] = Grant(claims: claims, challenge: challenge, redirectURI: redirectURI, kid: kid)
    }

    func discovery() throws -> Data {
        var document: [String: Any] = [
            "issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks", "response_types_supported": ["code"], "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"], "subject_types_supported": ["public"],
        ]
        if endSession { document["end_session_endpoint"] = issuer + "/logout" }
        if let authMethods { document["token_endpoint_auth_methods_supported"] = authMethods }
        return try JSONSerialization.data(withJSONObject: document)
    }

    func jwks() throws -> Data {
        jwksFetches += 1
        return try JSONSerialization.data(withJSONObject: ["keys": published.keys.sorted().compactMap { published[$0] }])
    }

    /// The published key `kid`.
    func publishedKey(_ kid: String) -> [String: String]? { published[kid] }

    /// The token endpoint: one use per code.
    func token(form: [String: String], authorization: String?) async throws -> (HTTPResponse.Status, Data) {
        let (status, object) = try await tokenAnswer(form: form, authorization: authorization)
        return (status, try JSONSerialization.data(withJSONObject: object))
    }

    private func tokenAnswer(form: [String: String], authorization: String?) async throws -> (HTTPResponse.Status, [String: Any]) {
        let code = form["code"] ?? ""
        guard form["grant_type"] == "authorization_code", let grant = grants.removeValue(forKey: code) else {
            return (.badRequest, ["error": "invalid_grant", "error_description": "unknown code \(code)"])
        }
        let verifier = form["code_verifier"] ?? ""
        let challenge = Self.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
        var authenticated = false
        if let authorization, authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))).flatMap({ String(data: $0, encoding: .utf8) })
        {
            let parts = decoded.split(separator: ":", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            authenticated = parts == [Self.clientID, Self.clientSecret]
        } else if form["client_id"] == Self.clientID, form["client_secret"] == Self.clientSecret {
            authenticated = true
        }
        let request = TokenRequest(
            code: code, verifierMatchesChallenge: !verifier.isEmpty && challenge == grant.challenge, clientAuthenticated: authenticated,
            redirectURIMatches: form["redirect_uri"] == grant.redirectURI)
        tokenRequests.append(request)
        guard request.clientAuthenticated else { return (.unauthorized, ["error": "invalid_client"]) }
        guard request.verifierMatchesChallenge, request.redirectURIMatches else { return (.badRequest, ["error": "invalid_grant"]) }
        let idToken = try await signers.sign(grant.claims, kid: JWKIdentifier(string: grant.kid))
        return (.ok, ["access_token": "at-\(code)", "token_type": "Bearer", "expires_in": 3600, "id_token": idToken])
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Runs the provider on 127.0.0.1 (a free port) around `body`, which gets the issuer URL.
    func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get(".well-known/openid-configuration") { _, _ in Self.json(try await self.discovery()) }
        router.get("jwks") { _, _ in Self.json(try await self.jwks()) }
        router.post("token") { request, context in
            var request = request
            let text = String(buffer: try await request.collectBody(upTo: context.maxUploadSize))
            var form: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                }
                if parts.count == 2 { form[parts[0]] = parts[1] }
            }
            let (status, object) = try await self.token(form: form, authorization: request.headers[.authorization])
            return Self.json(object, status: status)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: Logger(label: "fake-oidc", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(
            configuration: .init(services: [app], logger: Logger(label: "fake-oidc", factory: { _ in SwiftLogNoOpLogHandler() })))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports { port = value }
            issuer = "http://127.0.0.1:\(port)"
            do {
                try #require(port > 0)
                try await body(issuer)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// Sign-in with OIDC against the fake provider, through the production router.
@Suite struct OIDCTests {
    static let adminGroup = "terrace-admins"

    /// What Terrace's redirect to the provider carried.
    struct Authorization {
        var state: String
        var nonce: String
        var challenge: String
        var redirectURI: String
        var login: String
        var query: [String: String]
    }

    /// Runs `body` with a provider serving keys `k1` (ES256), and Terrace's router configured for it.
    static func withProvider(
        _ setup: @Sendable (FakeProvider) async throws -> Void = { _ in },
        _ body: @Sendable (FakeProvider, AuthFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let provider = FakeProvider()
        try await provider.addECKey(kid: "k1")
        try await setup(provider)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await provider.serve { issuer in
                let settings = OIDCSettings(
                    issuer: issuer, clientID: FakeProvider.clientID, clientSecret: FakeProvider.clientSecret, adminGroup: adminGroup,
                    publicURL: "http://127.0.0.1:8080")
                let fixture = AuthFixture(oidc: OIDCClient(settings: settings, http: http))
                try await fixture.test { client in try await body(provider, fixture, client) }
            }
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// Starts a sign-in as a browser with no cookies would: the sign-in page, then the redirect to the provider.
    static func begin(_ client: any TestClientProtocol, next: String = "/ui/source") async throws -> Authorization {
        let page = try await client.execute(uri: "/ui/login?next=\(next)", method: .get)
        #expect(page.status == .ok)
        #expect(String(buffer: page.body).contains("/ui/login/oidc?next="))
        let login = try #require(AuthFixture.cookieValue(AuthFixture.setCookies(page)["__Host-terrace_login"]))
        let response = try await client.execute(
            uri: "/ui/login/oidc?next=\(next)", method: .get, headers: [.cookie: "__Host-terrace_login=\(login)"])
        #expect(response.status == .seeOther)
        let location = try #require(response.headers[.location])
        let components = try #require(URLComponents(string: location))
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        return Authorization(
            state: try #require(query["state"]), nonce: try #require(query["nonce"]), challenge: try #require(query["code_challenge"]),
            redirectURI: try #require(query["redirect_uri"]), login: login, query: query)
    }

    /// Good claims for `authorization`, which tests spoil one at a time.
    static func claims(_ provider: FakeProvider, _ authorization: Authorization, groups: [String] = [adminGroup]) async -> TestIDToken {
        let now = Int(Date().timeIntervalSince1970)
        return TestIDToken(
            iss: await provider.issuer, sub: "user-1234", aud: [FakeProvider.clientID], exp: now + 300, iat: now, nonce: authorization.nonce,
            groups: groups, preferredUsername: "alice", email: "alice@example.com")
    }

    /// The callback as the provider's redirect makes the browser call it.
    static func callback(
        _ client: any TestClientProtocol, _ authorization: Authorization, code: String, state: String? = nil, login: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/ui/auth/callback?code=\(code)&state=\(state ?? authorization.state)", method: .get,
            headers: [.cookie: "__Host-terrace_login=\(login ?? authorization.login)"])
    }

    /// Expects a refused callback: `status`, the safe `message`, no session, no secret in the page, an audit entry.
    static func expectRefused(
        _ response: TestResponse, _ fixture: AuthFixture, message: String, status: HTTPResponse.Status = .unauthorized
    ) async throws {
        #expect(response.status == status)
        #expect(AuthFixture.setCookies(response)["__Host-terrace_session"] == nil)
        let body = String(buffer: response.body)
        #expect(body.contains(message), "\(body)")
        #expect(!body.contains(FakeProvider.clientSecret) && !body.contains("eyJ"))
        #expect(try await fixture.audit("login").isEmpty)
        #expect(try await !fixture.audit("login-failed").isEmpty)
    }

    @Test func theCodeFlowWithPKCEMakesASessionWithTheRoleFromGroups() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            #expect(authorization.query["response_type"] == "code")
            #expect(authorization.query["code_challenge_method"] == "S256")
            #expect(authorization.query["client_id"] == FakeProvider.clientID)
            #expect(authorization.redirectURI == "http://127.0.0.1:8080/ui/auth/callback")
            #expect(authorization.query["scope"]?.split(separator: " ").contains("openid") == true)
            #expect(authorization.state != authorization.nonce && authorization.state.count >= 32)
            await provider.issue(
                code: "code-1", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "k1")
            let response = try await Self.callback(client, authorization, code: "code-1")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/source")
            let value = try #require(AuthFixture.cookieValue(AuthFixture.setCookies(response)["__Host-terrace_session"]))
            let session = try #require(try await fixture.store.session(AuthFixture.sha256(value), now: fixture.clock.now))
            #expect(session.role == .admin)
            #expect(session.displayName == "alice" && session.subject == "user-1234" && session.method == "oidc")
            #expect(session.idToken?.isEmpty == false)
            let requests = await provider.tokenRequests
            #expect(requests.count == 1)
            #expect(requests.first?.verifierMatchesChallenge == true)
            #expect(requests.first?.clientAuthenticated == true)
            #expect(requests.first?.redirectURIMatches == true)
            // The ID token never reaches the browser.
            let page = try await client.execute(uri: "/ui", method: .get, headers: [.cookie: "__Host-terrace_session=\(value)"])
            #expect(page.status == .ok)
            #expect(!String(buffer: page.body).contains(try #require(session.idToken)))
            let entries = try await fixture.audit("login")
            #expect(entries.count == 1 && entries.first?.actor == "alice (sub user-1234)")
        }
    }

    @Test func someoneOutsideTheAdminGroupIsAViewer() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            var claims = await Self.claims(provider, authorization, groups: ["developers"])
            claims.preferredUsername = nil
            claims.name = "Vera Viewer"
            await provider.issue(code: "code-v", claims: claims, challenge: authorization.challenge, redirectURI: authorization.redirectURI, kid: "k1")
            let response = try await Self.callback(client, authorization, code: "code-v")
            let value = try #require(AuthFixture.cookieValue(AuthFixture.setCookies(response)["__Host-terrace_session"]))
            let session = try #require(try await fixture.store.session(AuthFixture.sha256(value), now: fixture.clock.now))
            #expect(session.role == .viewer)
            #expect(session.displayName == "Vera Viewer")
            try await client.execute(uri: "/ui/audit", method: .get, headers: [.cookie: "__Host-terrace_session=\(value)"]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func anRS256KeyWithoutAlgAndClientSecretPostWork() async throws {
        try await Self.withProvider({ provider in
            try await provider.addRSAKey(kid: "rsa-1")
            await provider.setAuthMethods(["client_secret_post"])
        }) { provider, fixture, client in
            let authorization = try await Self.begin(client)
            await provider.issue(
                code: "code-r", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "rsa-1")
            let response = try await Self.callback(client, authorization, code: "code-r")
            #expect(response.status == .seeOther)
            #expect(AuthFixture.setCookies(response)["__Host-terrace_session"] != nil)
            #expect(await provider.tokenRequests.first?.clientAuthenticated == true)
        }
    }

    @Test func aForgedStateIsRefused() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            await provider.issue(
                code: "code-f", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "k1")
            let response = try await Self.callback(client, authorization, code: "code-f", state: "forged-state-value")
            try await Self.expectRefused(response, fixture, message: "unknown, was used already or has expired")
            #expect(await provider.tokenRequests.isEmpty)
        }
    }

    @Test func aStateFromAnotherBrowserIsRefused() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            await provider.issue(
                code: "code-b", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "k1")
            let response = try await Self.callback(client, authorization, code: "code-b", login: "another-browser-cookie-value")
            try await Self.expectRefused(response, fixture, message: "not started in this browser")
            #expect(await provider.tokenRequests.isEmpty)
        }
    }

    @Test func aReplayedStateIsRefused() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            let claims = await Self.claims(provider, authorization)
            await provider.issue(code: "code-1", claims: claims, challenge: authorization.challenge, redirectURI: authorization.redirectURI, kid: "k1")
            let first = try await Self.callback(client, authorization, code: "code-1")
            #expect(first.status == .seeOther)
            // Same state again, even with a fresh code for it.
            await provider.issue(code: "code-2", claims: claims, challenge: authorization.challenge, redirectURI: authorization.redirectURI, kid: "k1")
            let second = try await Self.callback(client, authorization, code: "code-2")
            #expect(second.status == .unauthorized)
            #expect(AuthFixture.setCookies(second)["__Host-terrace_session"] == nil)
            #expect(String(buffer: second.body).contains("was used already"))
            #expect(await provider.tokenRequests.count == 1)
        }
    }

    /// A token spoiled by `spoil` is refused with `message`.
    static func expectSpoiledTokenRefused(
        message: String, kid: String = "k1", setup: @escaping @Sendable (FakeProvider) async throws -> Void = { _ in },
        _ spoil: @escaping @Sendable (inout TestIDToken) -> Void
    ) async throws {
        try await withProvider(setup) { provider, fixture, client in
            let authorization = try await begin(client)
            var claims = await Self.claims(provider, authorization)
            spoil(&claims)
            await provider.issue(code: "code-x", claims: claims, challenge: authorization.challenge, redirectURI: authorization.redirectURI, kid: kid)
            let response = try await callback(client, authorization, code: "code-x")
            try await expectRefused(response, fixture, message: message)
        }
    }

    @Test func aWrongNonceIsRefused() async throws {
        try await Self.expectSpoiledTokenRefused(message: "does not answer this sign-in (nonce)") { $0.nonce = "another-nonce" }
        try await Self.expectSpoiledTokenRefused(message: "does not answer this sign-in (nonce)") { $0.nonce = nil }
    }

    @Test func anExpiredIDTokenIsRefused() async throws {
        try await Self.expectSpoiledTokenRefused(message: "has expired") { claims in
            claims.exp = Int(Date().timeIntervalSince1970) - 600
            claims.iat = claims.exp - 300
        }
    }

    @Test func anIDTokenIssuedInTheFutureIsRefused() async throws {
        try await Self.expectSpoiledTokenRefused(message: "issue time is not plausible") { claims in
            claims.iat = Int(Date().timeIntervalSince1970) + 3600
            claims.exp = claims.iat + 300
        }
    }

    @Test func aWrongAudienceIsRefused() async throws {
        try await Self.expectSpoiledTokenRefused(message: "meant for another application") { $0.aud = ["someone-else"] }
        try await Self.expectSpoiledTokenRefused(message: "issued to another party") { claims in
            claims.aud = [FakeProvider.clientID, "someone-else"]
            claims.azp = "someone-else"
        }
    }

    @Test func aTokenFromAnotherIssuerIsRefused() async throws {
        try await Self.expectSpoiledTokenRefused(message: "comes from another issuer") { $0.iss = "https://evil.example.com" }
    }

    @Test func aTokenSignedWithAnUnknownKeyIsRefusedAfterOneRefetch() async throws {
        try await Self.withProvider({ provider in try await provider.addECKey(kid: "unpublished", publish: false) }) { provider, fixture, client in
            let authorization = try await Self.begin(client)
            await provider.issue(
                code: "code-u", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "unpublished")
            let response = try await Self.callback(client, authorization, code: "code-u")
            try await Self.expectRefused(response, fixture, message: "signed with a key the provider does not publish")
            #expect(await provider.jwksFetches == 2)
        }
    }

    @Test func aTokenClaimingAPublishedKidButSignedWithAnotherKeyIsRefused() async throws {
        try await Self.withProvider({ provider in
            // `k2` is published with k1's public key, but tokens of `k2` are signed with another private key.
            try await provider.addECKey(kid: "k2", publish: false)
        }) { provider, fixture, client in
            let k1 = try #require(await provider.publishedKey("k1"))
            var forged = k1
            forged["kid"] = "k2"
            await provider.publish("k2", forged)
            let authorization = try await Self.begin(client)
            await provider.issue(
                code: "code-s", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "k2")
            let response = try await Self.callback(client, authorization, code: "code-s")
            try await Self.expectRefused(response, fixture, message: "signature or claims are invalid")
        }
    }

    @Test func aRotatedKeyIsFetchedOnce() async throws {
        try await Self.withProvider { provider, fixture, client in
            // First sign-in caches the JWKS with k1 only.
            let first = try await Self.begin(client)
            await provider.issue(code: "c1", claims: await Self.claims(provider, first), challenge: first.challenge, redirectURI: first.redirectURI, kid: "k1")
            #expect(try await Self.callback(client, first, code: "c1").status == .seeOther)
            #expect(await provider.jwksFetches == 1)
            try await provider.addECKey(kid: "k-new")
            let second = try await Self.begin(client)
            await provider.issue(code: "c2", claims: await Self.claims(provider, second), challenge: second.challenge, redirectURI: second.redirectURI, kid: "k-new")
            #expect(try await Self.callback(client, second, code: "c2").status == .seeOther)
            #expect(await provider.jwksFetches == 2)
        }
    }

    @Test func aProviderErrorIsShownSafelyAndSpendsTheState() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            let response = try await client.execute(
                uri: "/ui/auth/callback?error=access_denied&error_description=%3Cscript%3E&state=\(authorization.state)", method: .get,
                headers: [.cookie: "__Host-terrace_login=\(authorization.login)"])
            try await Self.expectRefused(response, fixture, message: "did not sign you in (access_denied)")
            #expect(!String(buffer: response.body).contains("<script>"))
            await provider.issue(
                code: "late", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "k1")
            #expect(try await Self.callback(client, authorization, code: "late").status == .unauthorized)
        }
    }

    @Test func logoutEndsTheSessionAtTheProviderToo() async throws {
        try await Self.withProvider { provider, fixture, client in
            let authorization = try await Self.begin(client)
            await provider.issue(
                code: "code-l", claims: await Self.claims(provider, authorization), challenge: authorization.challenge,
                redirectURI: authorization.redirectURI, kid: "k1")
            let response = try await Self.callback(client, authorization, code: "code-l")
            let value = try #require(AuthFixture.cookieValue(AuthFixture.setCookies(response)["__Host-terrace_session"]))
            let session = try #require(try await fixture.store.session(AuthFixture.sha256(value), now: fixture.clock.now))
            let logout = try await client.execute(
                uri: "/ui/logout", method: .post,
                headers: [.cookie: "__Host-terrace_session=\(value)", .contentType: "application/x-www-form-urlencoded"],
                body: AuthFixture.formBody(["csrf": session.csrfToken]))
            // A page that continues to the provider (a redirect of the form's POST would break `form-action 'self'`).
            #expect(logout.status == .ok)
            #expect(logout.headers[.location] == nil)
            let page = String(buffer: logout.body)
            let refresh = try #require(page.range(of: "<meta http-equiv=\"refresh\" content=\"0;url=")?.upperBound)
            let escaped = String(page[refresh...].prefix { $0 != "\"" })
            let location = escaped.replacingOccurrences(of: "&amp;", with: "&")
            #expect(page.contains("href=\"\(escaped)\""))
            let cleared = try #require(AuthFixture.setCookies(logout)["__Host-terrace_session"])
            #expect(cleared.contains("Max-Age=0"))
            let components = try #require(URLComponents(string: location))
            #expect(location.hasPrefix(await provider.issuer + "/logout?"))
            let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(query["id_token_hint"] == session.idToken)
            #expect(query["post_logout_redirect_uri"] == "http://127.0.0.1:8080/ui/login")
            #expect(try await fixture.store.session(AuthFixture.sha256(value), now: .distantPast) == nil)
            #expect(try await fixture.audit("logout").count == 1)
        }
    }

    @Test func withOIDCTheTokenFormIsOff() async throws {
        try await Self.withProvider { _, fixture, client in
            let page = try await client.execute(uri: "/ui/login", method: .get)
            #expect(!String(buffer: page.body).contains("/ui/login/token"))
            let login = try #require(AuthFixture.cookieValue(AuthFixture.setCookies(page)["__Host-terrace_login"]))
            let response = try await client.execute(
                uri: "/ui/login/token", method: .post,
                headers: [.cookie: "__Host-terrace_login=\(login)", .contentType: "application/x-www-form-urlencoded"],
                body: AuthFixture.formBody(["csrf": login, "token": AuthFixture.token]))
            #expect(response.status == .notFound)
            #expect(AuthFixture.setCookies(response)["__Host-terrace_session"] == nil)
        }
    }
}
