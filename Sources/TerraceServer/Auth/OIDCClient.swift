import AsyncHTTPClient
import Crypto
import Foundation
import JWTKit
import NIOCore
import TerraceCore

/// Signs people in with an OpenID Connect provider: discovery (cached), the authorization code flow with PKCE
/// S256, `state` and `nonce`, the code exchange with the client secret, and the ID token checked against the
/// provider's JWKS (RS256 or ES256) and the configured issuer and client.
///
/// Sign-ins in progress are kept here, in memory, one use each, bound to the browser that started them (the hash of
/// its `__Host-terrace_login` cookie): behind several replicas, route `/ui/login/oidc` and `/ui/auth/callback` of one
/// browser to the same replica (sticky sessions), or the callback is refused and the person starts again.
public actor OIDCClient {
    /// The configuration.
    public nonisolated let settings: OIDCSettings
    private let http: HTTPClient
    private var discovery: (value: OIDCDiscovery, fetched: Date)?
    private var keys: (jwks: [String: JWK], fetched: Date)?
    private var pending: [String: PendingLogin] = [:]

    /// How long discovery and keys are cached.
    static let cacheLifetime: TimeInterval = 3600
    /// How long a sign-in may take between the redirect to the provider and the callback.
    static let pendingLifetime: TimeInterval = TimeInterval(SessionCookie.loginLifetime)
    /// The most sign-ins in progress kept at once (older ones are dropped first).
    static let pendingLimit = 10_000
    /// How long one call to the provider may take.
    static let timeout = TimeAmount.seconds(10)

    /// A sign-in in progress.
    struct PendingLogin: Sendable {
        var nonce: String
        var verifier: String
        var browserHash: String
        var next: String
        var started: Date
    }

    /// Who signed in.
    struct SignIn: Sendable {
        var subject: String
        var displayName: String
        var role: WebRole
        var idToken: String
        var next: String
    }

    /// Creates the client; `http` is the service's HTTP client (it outlives this object and is shut down with the
    /// service).
    public init(settings: OIDCSettings, http: HTTPClient) {
        self.settings = settings
        self.http = http
    }

    // MARK: The flow

    /// Starts a sign-in for the browser holding the login cookie `browser`: returns the provider's authorization URL
    /// (with `state`, `nonce`, the PKCE challenge and the redirect URI).
    func begin(next: String, browser: String, now: Date) async throws(AuthError) -> String {
        let discovery = try await discovered(now: now)
        pending = pending.filter { now.timeIntervalSince($0.value.started) < Self.pendingLifetime }
        if pending.count >= Self.pendingLimit, let oldest = pending.min(by: { $0.value.started < $1.value.started }) {
            pending[oldest.key] = nil
        }
        let state = AuthRandom.token(bytes: 32)
        let login = PendingLogin(
            nonce: AuthRandom.token(bytes: 32), verifier: AuthRandom.token(bytes: 32), browserHash: AuthRandom.sha256Hex(browser),
            next: next, started: now)
        pending[state] = login
        let query: [(String, String)] = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.redirectURI),
            ("scope", settings.scopes.joined(separator: " ")), ("state", state), ("nonce", login.nonce),
            ("code_challenge", Self.challenge(login.verifier)), ("code_challenge_method", "S256"),
        ]
        return Self.url(discovery.authorizationEndpoint, adding: query)
    }

    /// Finishes a sign-in: the `state` must name a sign-in this browser started (used once, within its lifetime);
    /// the code is exchanged with the PKCE verifier and the client secret; the ID token is verified.
    func complete(state: String, code: String, browser: String?, now: Date) async throws(AuthError) -> SignIn {
        let login = try consume(state: state, browser: browser, now: now)
        let discovery = try await discovered(now: now)
        let idToken = try await exchange(code: code, verifier: login.verifier, discovery: discovery)
        let claims = try await verify(idToken, nonce: login.nonce, discovery: discovery, now: now)
        let isAdmin = settings.adminGroup.map { claims.memberships.contains($0) } ?? false
        return SignIn(
            subject: claims.sub, displayName: claims.displayName, role: isAdmin ? .admin : .viewer, idToken: idToken, next: login.next)
    }

    /// Forgets the sign-in `state` names (the provider answered with an error) and returns where it was headed.
    func abandon(state: String, browser: String?, now: Date) -> String? {
        try? consume(state: state, browser: browser, now: now).next
    }

    /// The provider's logout URL for a session with `idToken`, when the provider has an `end_session_endpoint`.
    func logoutURL(idToken: String?, now: Date) async -> String? {
        guard let discovery = try? await discovered(now: now), let endpoint = discovery.endSessionEndpoint else { return nil }
        var query: [(String, String)] = [("client_id", settings.clientID), ("post_logout_redirect_uri", settings.postLogoutRedirectURI)]
        if let idToken { query.insert(("id_token_hint", idToken), at: 0) }
        return Self.url(endpoint, adding: query)
    }

    /// Removes and returns the pending sign-in of `state`, if this browser started it and it is fresh.
    private func consume(state: String, browser: String?, now: Date) throws(AuthError) -> PendingLogin {
        guard let login = pending.removeValue(forKey: state) else {
            throw AuthError(
                .invalidState, "This sign-in is unknown, was used already or has expired. Start again from the sign-in page.")
        }
        guard let browser, AuthRandom.equal(AuthRandom.sha256Hex(browser), login.browserHash) else {
            throw AuthError(.csrf, "This sign-in was not started in this browser. Start again from the sign-in page.")
        }
        guard now.timeIntervalSince(login.started) < Self.pendingLifetime else {
            throw AuthError(.invalidState, "This sign-in took too long and has expired. Start again from the sign-in page.")
        }
        return login
    }

    // MARK: The provider

    /// The discovery document, fetched once an hour; its issuer must be the configured one exactly.
    private func discovered(now: Date) async throws(AuthError) -> OIDCDiscovery {
        if let discovery, now.timeIntervalSince(discovery.fetched) < Self.cacheLifetime { return discovery.value }
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        let data = try await get(base + "/.well-known/openid-configuration", what: "discovery document")
        guard let document = try? JSONDecoder().decode(OIDCDiscovery.self, from: data) else {
            throw AuthError(.provider, "The identity provider's discovery document cannot be read.")
        }
        guard document.issuer == settings.issuer else {
            throw AuthError(.provider, "The identity provider's discovery document names another issuer than --oidc-issuer.")
        }
        discovery = (document, now)
        return document
    }

    /// The provider's signing keys by key id, fetched at most once an hour, or again when `refresh`.
    private func signingKeys(_ discovery: OIDCDiscovery, now: Date, refresh: Bool) async throws(AuthError) -> [String: JWK] {
        if !refresh, let keys, now.timeIntervalSince(keys.fetched) < Self.cacheLifetime { return keys.jwks }
        let data = try await get(discovery.jwksURI, what: "signing keys")
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = object["keys"] as? [Any] else {
            throw AuthError(.provider, "The identity provider's signing keys (JWKS) cannot be read.")
        }
        var found: [String: JWK] = [:]
        for entry in list {
            // Keys of other types or uses (encryption) are skipped, not fatal.
            guard let fields = entry as? [String: Any], (fields["use"] as? String ?? "sig") == "sig",
                let json = try? JSONSerialization.data(withJSONObject: fields), let jwk = try? JSONDecoder().decode(JWK.self, from: json)
            else { continue }
            found[jwk.keyIdentifier?.string ?? ""] = jwk
        }
        keys = (found, now)
        return found
    }

    /// Exchanges the code at the token endpoint and returns the ID token.
    private func exchange(code: String, verifier: String, discovery: OIDCDiscovery) async throws(AuthError) -> String {
        var form: [(String, String)] = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI), ("code_verifier", verifier),
        ]
        var request = HTTPClientRequest(url: discovery.tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if discovery.usesClientSecretPost {
            form += [("client_id", settings.clientID), ("client_secret", settings.clientSecret)]
        } else {
            // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic.
            let pair = Self.formEncode(settings.clientID) + ":" + Self.formEncode(settings.clientSecret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
            form.append(("client_id", settings.clientID))
        }
        request.body = .bytes(ByteBuffer(string: form.map { Self.formEncode($0.0) + "=" + Self.formEncode($0.1) }.joined(separator: "&")))
        let status: UInt
        let data: Data
        do {
            let response = try await http.execute(request, timeout: Self.timeout)
            status = response.status.code
            data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        } catch {
            throw AuthError(.provider, "The identity provider's token endpoint cannot be reached.")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard (200..<300).contains(status) else {
            let code = (object?["error"] as? String).map { Self.safeCode($0) } ?? "HTTP \(status)"
            throw AuthError(.provider, "The identity provider refused the sign-in code (\(code)). Start again from the sign-in page.")
        }
        guard let idToken = object?["id_token"] as? String, !idToken.isEmpty else {
            throw AuthError(.provider, "The identity provider's token response has no ID token (is the `openid` scope allowed?).")
        }
        return idToken
    }

    /// Verifies the ID token's signature with the provider's key named in its header (the keys are fetched again,
    /// once, when the key id is unknown), then its claims.
    func verify(_ token: String, nonce: String, discovery: OIDCDiscovery, now: Date) async throws(AuthError) -> IDTokenClaims {
        let header = try Self.header(of: token)
        guard header.alg == "RS256" || header.alg == "ES256" else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token is signed with an algorithm Terrace does not accept.")
        }
        var jwks = try await signingKeys(discovery, now: now, refresh: false)
        if Self.key(header.kid, in: jwks) == nil { jwks = try await signingKeys(discovery, now: now, refresh: true) }
        guard let jwk = Self.key(header.kid, in: jwks) else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token is signed with a key the provider does not publish.")
        }
        let claims: IDTokenClaims
        do {
            let collection = JWTKeyCollection()
            var named = jwk
            named.keyIdentifier = JWKIdentifier(string: header.kid ?? "key")
            try await collection.add(jwk: named)
            claims = try await collection.verify(token, as: IDTokenClaims.self)
        } catch {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token's signature or claims are invalid.")
        }
        try claims.check(issuer: settings.issuer, clientID: settings.clientID, nonce: nonce, now: now)
        return claims
    }

    /// The JWK named `kid`; without a kid, the only key when there is exactly one.
    private static func key(_ kid: String?, in jwks: [String: JWK]) -> JWK? {
        if let kid { return jwks[kid] }
        return jwks.count == 1 ? jwks.values.first : nil
    }

    /// The `alg` and `kid` of a JWT's header (read before choosing a key).
    private static func header(of token: String) throws(AuthError) -> (alg: String, kid: String?) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(String(parts[0])),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let alg = object["alg"] as? String
        else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token cannot be read.")
        }
        return (alg, object["kid"] as? String)
    }

    /// GETs `url` (JSON, at most 1 MiB).
    private func get(_ url: String, what: String) async throws(AuthError) -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        do {
            let response = try await http.execute(request, timeout: Self.timeout)
            guard response.status == .ok else {
                throw AuthError(.provider, "The identity provider's \(what) answered HTTP \(response.status.code).")
            }
            return Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        } catch let error as AuthError {
            throw error
        } catch {
            throw AuthError(.provider, "The identity provider's \(what) cannot be reached.")
        }
    }

    // MARK: Encoding

    /// The S256 PKCE challenge of `verifier` (RFC 7636 §4.2).
    static func challenge(_ verifier: String) -> String {
        AuthRandom.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// `base` with `query` appended (after `?`, or `&` when it has a query already).
    static func url(_ base: String, adding query: [(String, String)]) -> String {
        let joined = query.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + joined
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// An OAuth error code reduced to safe characters.
    static func safeCode(_ code: String) -> String {
        String(code.prefix(64).filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
    }

    /// Decodes URL-safe base64 with or without padding.
    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
