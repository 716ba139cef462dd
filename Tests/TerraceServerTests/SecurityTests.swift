import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TerraceCore
import TerraceServer
import TerraceTestSupport

@Suite struct AdminTokenTests {
    @Test func aGeneratedTokenIsAnnouncedOnceAndOnlyItsHashKept() async throws {
        let store = InMemoryServiceStore()
        var announced: [String] = []
        let first = try await AdminToken.prepare(file: nil, store: store) { announced.append($0) }
        #expect(announced.count == 1)
        let token = try #require(announced.first)
        #expect(token.hasPrefix("trc_") && token.count > 40)
        #expect(first.accepts(token))
        #expect(!first.accepts(token + "x"))
        let stored = try #require(try await store.setting("admin_token_sha256"))
        #expect(stored == first.hash)
        #expect(!stored.contains(token))
        let second = try await AdminToken.prepare(file: nil, store: store) { announced.append($0) }
        #expect(announced.count == 1)
        #expect(second.accepts(token))
    }

    @Test func aMountedTokenFileWinsAndMustBeLongEnough() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("admin-token").path
        try "mounted-secret-token-value\n".write(toFile: file, atomically: true, encoding: .utf8)
        let store = InMemoryServiceStore()
        let token = try await AdminToken.prepare(file: file, store: store) { _ in Issue.record("a mounted token is never announced") }
        #expect(token.accepts("mounted-secret-token-value"))
        #expect(try await store.setting("admin_token_sha256") == nil)
        try "short".write(toFile: file, atomically: true, encoding: .utf8)
        await #expect(throws: ServerError.self) { try await AdminToken.prepare(file: file, store: store) { _ in } }
    }
}

@Suite struct WebhookVerifierTests {
    @Test func signaturesMatchThePublishedHMACVector() {
        // RFC 4231-style check with the well-known "quick brown fox" HMAC-SHA256 value.
        let body = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(WebhookVerifier.signature(for: body, secret: "key") == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        let verifier = WebhookVerifier(secret: "key")
        #expect(verifier.verify(headers: [.init("X-Hub-Signature-256")!: "sha256=F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8"], body: body))
        #expect(!verifier.verify(headers: [.init("X-Hub-Signature-256")!: "sha256=f7bc83"], body: body))
        #expect(!verifier.verify(headers: [:], body: body))
        #expect(!WebhookVerifier(secret: "").isEnabled)
        #expect(!WebhookVerifier(secret: nil).verify(headers: [.init("X-Gitlab-Token")!: ""], body: body))
    }
}

@Suite struct ServeConfigurationTests {
    @Test func durationsReadLikeGoAndFlux() {
        #expect(ServeConfiguration.duration("60s") == .seconds(60))
        #expect(ServeConfiguration.duration("5m") == .seconds(300))
        #expect(ServeConfiguration.duration("1h30m") == .seconds(5400))
        #expect(ServeConfiguration.duration("250ms") == .milliseconds(250))
        #expect(ServeConfiguration.duration("2.5s") == .milliseconds(2500))
        #expect(ServeConfiguration.duration("90") == .seconds(90))
        #expect(ServeConfiguration.duration("0") == .zero)
        for bad in ["", "s", "5x", "-1", "1h-", "ten"] {
            #expect(ServeConfiguration.duration(bad) == nil, "\(bad)")
        }
    }
}

/// The security headers of every response: pages, API, errors, redirects, static files.
@Suite struct SecurityHeaderTests {
    static let policy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static func expectHeaders(_ response: TestResponse, _ what: String, noStore: Bool = true, hsts: Bool = false) {
        #expect(response.headers[.contentSecurityPolicy] == policy, "\(what)")
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what)")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(what)")
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)")
        if noStore { #expect(response.headers[.cacheControl] == "no-store", "\(what)") }
        if hsts {
            #expect(response.headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains", "\(what)")
        } else {
            #expect(response.headers[.strictTransportSecurity] == nil, "\(what)")
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let fixture = AuthFixture()
        await fixture.synced()
        try await fixture.test { client in
            let admin = try await fixture.session(role: .admin, name: "ada")
            let requests: [(String, HTTPRequest.Method, HTTPFields, HTTPResponse.Status)] = [
                ("/ui", .get, admin.headers, .ok),
                ("/ui/infrastructures/web", .get, admin.headers, .ok),
                ("/ui/runs/nope", .get, admin.headers, .notFound),
                ("/ui/login", .get, [:], .ok),
                ("/ui", .get, [:], .seeOther),
                ("/", .get, [:], .found),
                ("/ui/infrastructures/web/reconcile", .post, [:], .unauthorized),
                ("/ui/infrastructures/web/reconcile", .post, admin.headers, .forbidden),
                ("/api/v1/infrastructures", .get, [:], .unauthorized),
                ("/api/v1/infrastructures", .get, RouterTests.bearer(), .ok),
                ("/api/v1/runs/nope", .get, RouterTests.bearer(), .notFound),
                ("/no/such/route", .get, [:], .notFound),
                ("/healthz", .get, [:], .ok),
            ]
            for (uri, method, headers, status) in requests {
                try await client.execute(uri: uri, method: method, headers: headers) { response in
                    #expect(response.status == status, "\(method) \(uri)")
                    Self.expectHeaders(response, "\(method) \(uri)")
                }
            }
            try await client.execute(uri: "/ui/static/terrace.css", method: .get) { response in
                #expect(response.status == .ok)
                Self.expectHeaders(response, "static", noStore: false)
            }
        }
    }

    @Test func anHTTPSPublicURLTurnsOnHSTS() async throws {
        let fixture = AuthFixture(publicURL: "https://terrace.example.com")
        try await fixture.test { client in
            for uri in ["/healthz", "/ui/login", "/ui", "/api/v1/source", "/nope"] {
                try await client.execute(uri: uri, method: .get) { Self.expectHeaders($0, uri, hsts: true) }
            }
        }
    }
}
