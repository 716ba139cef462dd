import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TerraceCore
import TerraceServer
import TerraceTestSupport

/// The production router over a reconciler with fakes: tokens, webhook signatures, probes, the API.
@Suite struct RouterTests {
    static let token = "trc_router-test-token-0123456789"
    static let secret = "webhook-secret"

    static let files: [String: String] = [
        "terrace.yaml": "kind: Project\nname: router\n",
        "modules/app/main.tf": """
            variable "name" { type = string }
            output "endpoint" { value = var.name }
            output "password" {
              value     = "x"
              sensitive = true
            }
            """,
        "infra/web.yaml": """
            kind: Infrastructure
            name: web
            cloud: {provider: aws, region: us-east-1}
            units:
              - name: app
                module: ../modules/app
                inputs: {name: web}
            """,
    ]

    struct Fixture {
        let environment = FakeReconcileEnvironment()
        let store = InMemoryServiceStore()
        let reconciler: Reconciler
        let dependencies: ServerDependencies

        init(secret: String? = RouterTests.secret) {
            reconciler = Reconciler(store: store, environment: environment, settings: ReconcilerSettings(replica: "router"))
            dependencies = ServerDependencies(
                reconciler: reconciler, store: store, metrics: ServiceMetrics(), token: AdminToken(hash: Self.tokenDigest),
                webhook: WebhookVerifier(secret: secret), branch: "main")
        }

        /// SHA-256 of `RouterTests.token` in hex, the hash AdminToken keeps, computed independently
        /// (`python3 -c "import hashlib; print(hashlib.sha256(b'trc_router-test-token-0123456789').hexdigest())"`).
        static let tokenDigest = "278e701aa4a700d0fd6157783cacb0c01df63fffdd08298229f8815af217842b"

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let app = Application(router: buildRouter(dependencies))
            try await app.test(.router, body)
        }

        func synced() async {
            await environment.source.push("r1", RouterTests.files)
            await environment.terraform.setOutputs("app", UnitOutputs(values: ["endpoint": .string("web"), "password": .string("hunter2")], sensitive: ["password"]))
            await reconciler.sync(.poll)
            await reconciler.waitUntilIdle()
        }
    }

    static func bearer(_ token: String = RouterTests.token) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func probesAndMetricsNeedNoToken() async throws {
        let fixture = Fixture()
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("not been fetched"))
            }
        }
        await fixture.synced()
        try await fixture.test { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test func everyAPICallNeedsTheBearerToken() async throws {
        let fixture = Fixture()
        await fixture.synced()
        try await fixture.test { client in
            for uri in ["/api/v1/infrastructures", "/api/v1/source", "/api/v1/runs", "/api/v1/infrastructures/web"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(uri: uri, method: .get, headers: Self.bearer("trc_wrong")) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: uri, method: .get, headers: [.authorization: Self.token]) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: uri, method: .get, headers: Self.bearer()) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/v1/infrastructures/web/reconcile", method: .post) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func theAPIShowsStatusesRunsAndLogsWithSecretsRedacted() async throws {
        let fixture = Fixture()
        await fixture.synced()
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/infrastructures", method: .get, headers: Self.bearer()) { response in
                let list = try #require(try Self.json(response.body)["infrastructures"] as? [[String: Any]])
                #expect(list.map { $0["name"] as? String } == ["web"])
                let ready = (list.first?["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "Ready" }
                #expect(ready?["status"] as? String == "True")
                #expect(ready?["reason"] as? String == "Succeeded")
                #expect(list.first?["lastAppliedRevision"] as? String == "r1")
            }
            var runID = ""
            try await client.execute(uri: "/api/v1/infrastructures/web", method: .get, headers: Self.bearer()) { response in
                let body = try Self.json(response.body)
                let status = try #require(body["infrastructure"] as? [String: Any])
                let outputs = try #require((status["outputs"] as? [String: Any])?["app"] as? [String: Any])
                #expect(outputs["endpoint"] as? String == "web")
                #expect(outputs["password"] as? String == "(sensitive)")
                #expect(!String(buffer: response.body).contains("hunter2"))
                let runs = try #require(body["runs"] as? [[String: Any]])
                #expect(runs.count == 1)
                runID = runs.first?["id"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/runs/\(runID)", method: .get, headers: Self.bearer()) { response in
                let body = try Self.json(response.body)
                #expect((body["run"] as? [String: Any])?["status"] as? String == "succeeded")
                #expect((body["logs"] as? [String: String])?["app"]?.contains("terraform apply") == true)
            }
            try await client.execute(uri: "/api/v1/runs/nope", method: .get, headers: Self.bearer()) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/infrastructures/nope", method: .get, headers: Self.bearer()) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("no infrastructure named `nope`"))
            }
            try await client.execute(uri: "/api/v1/infrastructures/nope/reconcile", method: .post, headers: Self.bearer()) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/infrastructures/web/reconcile", method: .post, headers: Self.bearer()) {
                #expect($0.status == .accepted)
            }
        }
        await fixture.reconciler.waitUntilIdle()
        let runs = try await fixture.store.runs(infrastructure: "web", status: nil, limit: 10)
        #expect(runs.first?.trigger == .manual)
        #expect(runs.count == 2)
    }

    @Test func webhooksNeedAValidSignatureAndFetchOnlyThen() async throws {
        let fixture = Fixture()
        await fixture.environment.source.push("r1", Self.files)
        let body = ByteBuffer(string: #"{"ref":"refs/heads/main"}"#)
        let bytes = Array(body.readableBytesView)
        let github = WebhookVerifier.signature(for: bytes, secret: Self.secret)
        try await fixture.test { client in
            try await client.execute(uri: "/hooks/git", method: .post, body: body) { #expect($0.status == .unauthorized) }
            let wrong = WebhookVerifier.signature(for: bytes, secret: "other")
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.init("X-Hub-Signature-256")!: wrong], body: body) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.init("X-Hub-Signature-256")!: "sha1=abc"], body: body) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.init("X-Gitlab-Token")!: "other"], body: body) {
                #expect($0.status == .unauthorized)
            }
            // A signature over another body does not count.
            try await client.execute(
                uri: "/hooks/git", method: .post, headers: [.init("X-Hub-Signature-256")!: github], body: ByteBuffer(string: "{}")
            ) { #expect($0.status == .unauthorized) }
            let tooLarge = ByteBuffer(repeating: UInt8(ascii: " "), count: WebhookVerifier.maxBodySize + 1)
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.init("X-Hub-Signature-256")!: github], body: tooLarge) {
                #expect($0.status == .contentTooLarge)
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await fixture.store.source() == nil, "a refused webhook fetches nothing")

        try await fixture.test { client in
            let ping = [HTTPField.Name("X-Hub-Signature-256")!: github, HTTPField.Name("X-GitHub-Event")!: "ping"]
            try await client.execute(uri: "/hooks/git", method: .post, headers: HTTPFields(ping.map { HTTPField(name: $0.key, value: $0.value) }), body: body) {
                #expect($0.status == .ok)
            }
            let other = ByteBuffer(string: #"{"ref":"refs/heads/feature"}"#)
            let otherSignature = WebhookVerifier.signature(for: Array(other.readableBytesView), secret: Self.secret)
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.init("X-Hub-Signature-256")!: otherSignature], body: other) { response in
                #expect(response.status == .accepted)
                #expect(String(buffer: response.body).contains("ignored"))
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await fixture.store.source() == nil, "pings and other branches fetch nothing")

        for headers: HTTPFields in [
            [.init("X-Hub-Signature-256")!: github], [.init("X-Terrace-Signature")!: github], [.init("X-Gitlab-Token")!: Self.secret],
        ] {
            try await fixture.test { client in
                try await client.execute(uri: "/hooks/git", method: .post, headers: headers, body: body) { #expect($0.status == .accepted) }
            }
        }
        try await ServeWait.until { try await fixture.store.source()?.fetchedRevision == "r1" }
        await fixture.reconciler.waitUntilIdle()
        #expect(try await fixture.store.runs(infrastructure: "web", status: nil, limit: 10).first?.trigger == .push)
    }

    @Test func webhooksAreRefusedWithoutASecret() async throws {
        let fixture = Fixture(secret: nil)
        let body = ByteBuffer(string: "{}")
        try await fixture.test { client in
            try await client.execute(
                uri: "/hooks/git", method: .post, headers: [.init("X-Gitlab-Token")!: ""], body: body
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("no webhook secret"))
            }
        }
    }
}

/// Polling for asynchronous effects in router tests.
enum ServeWait {
    static func until(timeout: Double = 5, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out")
    }
}
