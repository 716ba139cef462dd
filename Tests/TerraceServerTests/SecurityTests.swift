import Foundation
import HTTPTypes
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
