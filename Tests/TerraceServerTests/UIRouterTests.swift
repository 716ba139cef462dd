import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TerraceCore
@testable import TerraceServer
import TerraceTestSupport

/// The web UI's pages and actions on the production router, with a signed-in viewer or admin.
@Suite struct UIRouterTests {
    /// The router tests' repository, with a second unit `base` that `app` reads (a graph with an edge).
    static let files: [String: String] = RouterTests.files.merging([
        "infra/web.yaml": """
            kind: Infrastructure
            name: web
            cloud: {provider: aws, region: us-east-1}
            units:
              - name: base
                module: ../modules/app
                inputs: {name: net}
              - name: app
                module: ../modules/app
                inputs: {name: "${base.endpoint}-app"}
            """,
    ]) { _, new in new }

    static let injected = "<script>alert(1)</script>"

    struct Fixture {
        let environment = FakeReconcileEnvironment()
        let store = InMemoryServiceStore()
        let reconciler: Reconciler
        let dependencies: ServerDependencies

        init(logRoot: String? = nil) {
            reconciler = Reconciler(store: store, environment: environment, settings: ReconcilerSettings(replica: "ui-test"))
            var dependencies = ServerDependencies(
                reconciler: reconciler, store: store, metrics: ServiceMetrics(), token: AdminToken(hash: String(repeating: "0", count: 64)),
                webhook: WebhookVerifier(secret: "s"), branch: "main")
            dependencies.logRoot = logRoot
            self.dependencies = dependencies
        }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            try await Application(router: buildRouter(dependencies)).test(.router, body)
        }

        func synced() async {
            await environment.source.push("r1", UIRouterTests.files)
            await environment.terraform.setOutputs(
                "base", UnitOutputs(values: ["endpoint": .string("net"), "password": .string("hunter2")], sensitive: ["password"]))
            await environment.terraform.setOutputs("app", UnitOutputs(values: ["endpoint": .string("web")]))
            await reconciler.sync(.poll)
            await reconciler.waitUntilIdle()
        }

        /// Saves a session with `role` and returns its cookie header and CSRF token.
        func signIn(_ role: WebRole, name: String = "alice") async throws -> Session {
            let raw = "raw-session-\(role.rawValue)-\(UUID().uuidString)"
            let csrf = "csrf-\(UUID().uuidString)"
            let now = Date()
            try await store.saveSession(WebSession(
                idHash: SessionCookie.hash(raw), subject: "sub-\(name)", displayName: name, role: role, method: "oidc",
                csrfToken: csrf, createdAt: now, expiresAt: now.addingTimeInterval(3600)))
            return Session(cookie: "__Host-terrace_session=\(raw)", csrf: csrf)
        }
    }

    struct Session {
        let cookie: String
        let csrf: String

        var headers: HTTPFields { [.cookie: cookie] }

        func form(_ fields: String = "") -> (HTTPFields, ByteBuffer) {
            let body = "csrf=\(csrf)" + (fields.isEmpty ? "" : "&" + fields)
            return ([.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], ByteBuffer(string: body))
        }
    }

    /// The page `uri` as `session` sees it: status and body.
    static func get(_ client: any TestClientProtocol, _ uri: String, _ session: Session) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: session.headers) { ($0.status, String(buffer: $0.body)) }
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, _ session: Session) async throws -> TestResponse {
        let (headers, body) = session.form()
        return try await client.execute(uri: uri, method: .post, headers: headers, body: body) { $0 }
    }

    /// What every page must be: a full document with the viewport, nav, sign-out form with CSRF, no inline script or
    /// style.
    static func expectWellFormedPage(_ body: String, _ session: Session, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(body.hasPrefix("<!doctype html>"), sourceLocation: sourceLocation)
        #expect(body.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), sourceLocation: sourceLocation)
        #expect(body.contains("<link rel=\"stylesheet\" href=\"/ui/static/terrace.css\">"), sourceLocation: sourceLocation)
        #expect(body.contains("<form method=\"post\" action=\"/ui/logout\""), sourceLocation: sourceLocation)
        #expect(body.contains("name=\"csrf\" value=\"\(session.csrf)\""), sourceLocation: sourceLocation)
        #expect(!body.contains(" style="), sourceLocation: sourceLocation)
        #expect(!body.contains("<style"), sourceLocation: sourceLocation)
        #expect(!body.contains("<script>"), sourceLocation: sourceLocation)
        #expect(!body.contains(" on" + "click="), sourceLocation: sourceLocation)
        #expect(body.hasSuffix("</html>\n"), sourceLocation: sourceLocation)
        // Every form posting anywhere carries the token.
        let forms = body.components(separatedBy: "<form method=\"post\"").count - 1
        let tokens = body.components(separatedBy: "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">").count - 1
        #expect(forms == tokens, sourceLocation: sourceLocation)
    }

    // MARK: Inventory

    @Test func theInventoryListsInfrastructuresWithTheirStatus() async throws {
        let fixture = Fixture()
        await fixture.synced()
        let viewer = try await fixture.signIn(.viewer)
        let admin = try await fixture.signIn(.admin, name: "root")
        try await fixture.test { client in
            let (status, body) = try await Self.get(client, "/ui", viewer)
            #expect(status == .ok)
            Self.expectWellFormedPage(body, viewer)
            #expect(body.contains("<a href=\"/ui/infrastructures/web\" class=\"name\">web</a>"))
            #expect(body.contains("<span class=\"badge state-ready\">True</span> <span class=\"reason\">Succeeded</span>"))
            #expect(body.contains("<code title=\"r1\">r1</code>"))
            #expect(body.contains("1–1 of 1"))
            #expect(body.contains("alice"))
            #expect(body.contains(">viewer<"))
            #expect(!body.contains("href=\"/ui/audit\""), "viewers do not see the audit log in the nav")
            let run = try #require(try await fixture.store.infrastructure("web")?.lastRunID)
            #expect(body.contains("<a href=\"/ui/runs/\(run)\"><code>\(run)</code></a>"))

            let (_, adminBody) = try await Self.get(client, "/ui", admin)
            #expect(adminBody.contains("href=\"/ui/audit\""))
            #expect(adminBody.contains("root"))
        }
    }

    /// 1,000 statuses written straight to the store, in a mix of states.
    static func manyInfrastructures(_ store: InMemoryServiceStore) async throws {
        let now = Date()
        for index in 0..<1_000 {
            var status = InfrastructureStatus(name: String(format: "site-%04d", index), lastAppliedRevision: "abcdef0123456789")
            switch index % 10 {
            case 0: status.conditions.markFailed(.applyFailed, "unit x failed", at: now)
            case 1: status.conditions.markReconciling("applying", at: now)
            case 2:
                status.conditions.markReady("applied", at: now)
                status.units = [UnitStatus(name: "u", drift: ResourceSummary(change: 1))]
            default: status.conditions.markReady("applied", at: now)
            }
            try await store.saveInfrastructure(status)
        }
        try await store.saveRun(ServiceRun(
            id: "wait-1", infrastructure: "site-0003", revision: "r9", trigger: .push, status: .waiting, replica: "x", queuedAt: now))
    }

    @Test func theInventoryPaginatesFiltersAndSearches() async throws {
        let fixture = Fixture()
        try await Self.manyInfrastructures(fixture.store)
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            var (status, body) = try await Self.get(client, "/ui", viewer)
            #expect(status == .ok)
            #expect(body.contains("1–50 of 1,000"))
            #expect(body.contains("site-0049"))
            #expect(!body.contains("site-0050"))
            #expect(body.contains("href=\"/ui?page=2\" rel=\"next\""))
            #expect(!body.contains("rel=\"prev\""))
            #expect(body.components(separatedBy: "<tr class=\"row").count - 1 == 50)
            // Counts per status in the header.
            #expect(body.contains("All <strong>1,000</strong>"))
            #expect(body.contains("Failed or stalled <strong>100</strong>"))
            #expect(body.contains("Reconciling <strong>100</strong>"))
            #expect(body.contains("Drifted <strong>100</strong>"))
            #expect(body.contains("Ready <strong>800</strong>"))
            #expect(body.contains("Waiting for approval <strong>1</strong>"))

            (_, body) = try await Self.get(client, "/ui?page=2", viewer)
            #expect(body.contains("51–100 of 1,000"))
            #expect(body.contains("site-0050") && body.contains("site-0099") && !body.contains("site-0100"))
            #expect(body.contains("href=\"/ui\" rel=\"prev\""))
            #expect(body.contains("href=\"/ui?page=3\" rel=\"next\""))

            (_, body) = try await Self.get(client, "/ui?per=500&page=5", viewer)
            #expect(body.contains("801–1,000 of 1,000"), "per is capped at 200")
            #expect(!body.contains("rel=\"next\""))
            (_, body) = try await Self.get(client, "/ui?page=99", viewer)
            #expect(body.contains("951–1,000 of 1,000"), "a page past the end shows the last")

            (_, body) = try await Self.get(client, "/ui?status=failed", viewer)
            #expect(body.contains("1–50 of 100"))
            #expect(body.contains("site-0000") && body.contains("site-0010") && !body.contains("site-0001<"))
            #expect(body.contains("href=\"/ui?status=failed&amp;page=2\" rel=\"next\""))
            #expect(body.contains("<option value=\"failed\" selected>"))

            (_, body) = try await Self.get(client, "/ui?status=waiting", viewer)
            #expect(body.contains("1–1 of 1"))
            #expect(body.contains("<a href=\"/ui/runs/wait-1\" class=\"badge state-waiting\">waiting for approval</a>"))

            (_, body) = try await Self.get(client, "/ui?status=drifted&q=SITE-09", viewer)
            #expect(body.contains("1–10 of 10"), "search is a case-insensitive substring, combined with the status")
            #expect(body.contains("site-0902") && body.contains("site-0992"))
            #expect(body.contains("1 unit drifted"))
            #expect(body.contains("value=\"SITE-09\""))

            (_, body) = try await Self.get(client, "/ui?q=nothing-like-this", viewer)
            #expect(body.contains("No infrastructure matches."))

            (_, body) = try await Self.get(client, "/ui?q=" + "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", viewer)
            #expect(!body.contains("<script>alert(1)"))
            #expect(body.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
        }
    }

    // MARK: Infrastructure

    @Test func theInfrastructurePageShowsGraphUnitsOutputsAndRuns() async throws {
        let fixture = Fixture()
        await fixture.synced()
        let viewer = try await fixture.signIn(.viewer)
        let admin = try await fixture.signIn(.admin)
        try await fixture.test { client in
            let (status, body) = try await Self.get(client, "/ui/infrastructures/web", viewer)
            #expect(status == .ok)
            Self.expectWellFormedPage(body, viewer)
            #expect(body.contains("<h1>web</h1>"))
            #expect(body.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\""))
            #expect(body.contains("<a href=\"#unit-base\" class=\"node state-ready\">"))
            #expect(body.contains("<a href=\"#unit-app\" class=\"node state-ready\">"))
            #expect(body.contains("<title>app depends on base</title>"))
            #expect(body.contains("<tr id=\"unit-base\" class=\"row state-ready\">"))
            #expect(body.contains("<code class=\"value\">net</code>"))
            #expect(body.contains("<span class=\"badge muted-badge\">(sensitive)</span>"))
            #expect(!body.contains("hunter2"))
            #expect(body.contains("<span class=\"badge state-ready\">succeeded</span>"))
            #expect(!body.contains("Reconcile now"), "viewers get no action buttons")

            let (_, adminBody) = try await Self.get(client, "/ui/infrastructures/web", admin)
            Self.expectWellFormedPage(adminBody, admin)
            #expect(adminBody.contains("<form method=\"post\" action=\"/ui/infrastructures/web/reconcile\" class=\"actions\">"))

            let (missing, missingBody) = try await Self.get(client, "/ui/infrastructures/nope", viewer)
            #expect(missing == .notFound)
            #expect(missingBody.contains("There is no infrastructure named nope."))
            Self.expectWellFormedPage(missingBody, viewer)
        }
    }

    @Test func theInfrastructurePageListsTheNewestRunsAndLinksToMore() async throws {
        let fixture = Fixture()
        let now = Date()
        try await fixture.store.saveInfrastructure(InfrastructureStatus(name: "busy"))
        for index in 0..<30 {
            try await fixture.store.saveRun(ServiceRun(
                id: String(format: "run-%03d", index), infrastructure: "busy", revision: "r\(index)", trigger: .poll,
                status: .succeeded, replica: "x", queuedAt: now.addingTimeInterval(Double(index))))
        }
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            var (_, body) = try await Self.get(client, "/ui/infrastructures/busy", viewer)
            let runs = try await fixture.store.runs(infrastructure: "busy", status: nil, limit: 30).map(\.id)
            #expect(body.components(separatedBy: "<a href=\"/ui/runs/").count - 1 == 20)
            for id in runs.prefix(20) { #expect(body.contains("/ui/runs/\(id)\"")) }
            for id in runs.dropFirst(20) { #expect(!body.contains("/ui/runs/\(id)\"")) }
            #expect(body.contains("href=\"/ui/infrastructures/busy?runs=100#runs\""))
            #expect(body.contains("No graph"))
            (_, body) = try await Self.get(client, "/ui/infrastructures/busy?runs=100", viewer)
            #expect(body.components(separatedBy: "<a href=\"/ui/runs/").count - 1 == 30)
            #expect(!body.contains("Show more runs"))
        }
    }

    @Test func scriptInUnitNamesOutputsAndMessagesIsEscaped() async throws {
        let fixture = Fixture()
        let now = Date()
        var status = InfrastructureStatus(name: "evil", lastRunID: "run-evil")
        status.conditions.markFailed(.applyFailed, Self.injected, at: now)
        status.units = [UnitStatus(name: Self.injected, conditions: [], phase: Self.injected)]
        status.units[0].conditions.markFailed(.applyFailed, Self.injected, at: now)
        status.units[0].health = Self.injected
        status.outputs = [Self.injected: ["url": .string(Self.injected), Self.injected: .list([.string(Self.injected)])]]
        try await fixture.store.saveInfrastructure(status)
        var run = ServiceRun(
            id: "run-evil", infrastructure: "evil", revision: Self.injected, trigger: .manual, status: .failed, replica: "x",
            queuedAt: now, results: [UnitResult(unit: Self.injected, outcome: .failed, seconds: 1, message: Self.injected)],
            message: Self.injected)
        run.requestedBy = Self.injected
        try await fixture.store.saveRun(run)
        try await fixture.store.saveLog(runID: "run-evil", unit: Self.injected, text: "line \(Self.injected)\n")
        try await fixture.store.saveSource(SourceStatus(
            url: "https://example.com/\(Self.injected)", branch: Self.injected, path: "", errors: ["a.yaml:1:2: \(Self.injected)"]))
        let admin = try await fixture.signIn(.admin, name: Self.injected)
        try await fixture.test { client in
            for uri in ["/ui", "/ui/infrastructures/evil", "/ui/runs/run-evil", "/ui/source", "/ui/locks", "/ui/audit"] {
                let (status, body) = try await Self.get(client, uri, admin)
                #expect(status == .ok, "\(uri)")
                #expect(!body.contains("<script>alert"), "\(uri) shows the script as text")
                #expect(!body.contains("<script"), "\(uri) has no script element")
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(uri)")
            }
        }
    }

    // MARK: Runs

    @Test func theRunPageShowsEachUnitWithItsLogAndALongLogOnlyItsEnd() async throws {
        let fixture = Fixture()
        let now = Date()
        let lines = (1...50_000).map { "log line \($0)" }
        try await fixture.store.saveRun(ServiceRun(
            id: "run-long", infrastructure: "big", revision: "0123456789abcdef", trigger: .push, status: .succeeded,
            replica: "r", queuedAt: now.addingTimeInterval(-120), startedAt: now.addingTimeInterval(-100), finishedAt: now,
            results: [UnitResult(unit: "vpc", outcome: .applied, seconds: 95.5), UnitResult(unit: "dns", outcome: .unchanged)]))
        try await fixture.store.saveLog(runID: "run-long", unit: "vpc", text: lines.joined(separator: "\n") + "\n")
        try await fixture.store.saveLog(runID: "run-long", unit: "dns", text: "nothing to do\n")
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let (status, body) = try await Self.get(client, "/ui/runs/run-long", viewer)
            #expect(status == .ok)
            Self.expectWellFormedPage(body, viewer)
            #expect(body.contains("<a href=\"/ui/infrastructures/big\">big</a>"))
            #expect(body.contains("<code title=\"0123456789abcdef\">0123456789ab</code>"))
            #expect(body.contains("1 min 36 s"))
            #expect(body.contains("<span class=\"badge state-ready\">applied</span>"))
            #expect(body.contains("Showing the last 2,000 of 50,000 lines."))
            #expect(body.contains("log line 48001\n"))
            #expect(!body.contains("log line 48000\n"))
            #expect(body.contains("log line 50000</pre>"))
            #expect(body.utf8.count < 200_000, "a 50,000-line log does not make a giant page")
            #expect(body.contains("<a href=\"/ui/runs/run-long/units/vpc/log.txt\" download>"))
            #expect(body.contains("<pre class=\"log\" id=\"log-dns\">nothing to do</pre>"))
            #expect(!body.contains("data-stream"), "a finished run does not stream")
            #expect(!body.contains("live-log.js"))
            #expect(!body.contains(">Retry<"))

            try await client.execute(uri: "/ui/runs/run-long/units/vpc/log.txt", method: .get, headers: viewer.headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(String(buffer: response.body) == lines.joined(separator: "\n") + "\n")
            }
            try await client.execute(uri: "/ui/runs/run-long/units/nope/log.txt", method: .get, headers: viewer.headers) {
                #expect($0.status == .notFound)
            }
            let (missing, missingBody) = try await Self.get(client, "/ui/runs/nope", viewer)
            #expect(missing == .notFound)
            #expect(missingBody.contains("There is no run nope."))
        }
    }

    @Test func aRunningRunStreamsTheLogOfEachUnit() async throws {
        let fixture = Fixture()
        var status = InfrastructureStatus(name: "live")
        status.units = [UnitStatus(name: "db", phase: "apply"), UnitStatus(name: "net")]
        try await fixture.store.saveInfrastructure(status)
        try await fixture.store.saveRun(ServiceRun(
            id: "run-live", infrastructure: "live", revision: "r1", trigger: .push, status: .running, replica: "r",
            queuedAt: Date(), startedAt: Date(), results: [UnitResult(unit: "net", outcome: .applied, seconds: 2, logTail: ["done"])]))
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let (_, body) = try await Self.get(client, "/ui/runs/run-live", viewer)
            #expect(body.contains("<script src=\"/ui/static/live-log.js\" defer></script>"))
            #expect(body.contains("<pre class=\"log\" id=\"log-db\" data-stream=\"/ui/runs/run-live/units/db/log/stream\" data-offset=\"0\"></pre>"))
            #expect(body.contains("id=\"log-net\" data-stream=\"/ui/runs/run-live/units/net/log/stream\""))
            #expect(body.contains("<span class=\"badge state-reconciling\">in progress</span>"))
        }
    }

    @Test func aRunningRunShowsTheLogFileSoFarAndStreamsFromItsEnd() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ui-logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("run-file/files")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Two complete lines and a line still being written: the page shows the complete ones and streams from there.
        let written = "==> terraform init\nInitializing <providers> & modules\npartial"
        try Data(written.utf8).write(to: folder.appendingPathComponent("bucket.log"))
        let fixture = Fixture(logRoot: root.path)
        var status = InfrastructureStatus(name: "files")
        status.units = [UnitStatus(name: "bucket", phase: "init")]
        try await fixture.store.saveInfrastructure(status)
        try await fixture.store.saveRun(ServiceRun(
            id: "run-file", infrastructure: "files", revision: "r1", trigger: .push, status: .running, replica: "r",
            queuedAt: Date(), startedAt: Date()))
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let (_, body) = try await Self.get(client, "/ui/runs/run-file", viewer)
            let complete = "==> terraform init\nInitializing <providers> & modules\n"
            #expect(body.contains(
                "<pre class=\"log\" id=\"log-bucket\" data-stream=\"/ui/runs/run-file/units/bucket/log/stream\" data-offset=\"\(complete.utf8.count)\">==&gt; terraform init\nInitializing &lt;providers&gt; &amp; modules\n</pre>"))
            #expect(!body.contains("partial"))
        }
    }

    /// A run waiting for approval, with a review of two units.
    static func waitingRun(_ id: String, infrastructure: String = "web") -> ServiceRun {
        var run = ServiceRun(
            id: id, infrastructure: infrastructure, revision: "r1", trigger: .push, status: .waiting, replica: "ui-test", queuedAt: Date())
        run.review = RunReview(
            revision: "r1", plannedAt: Date(),
            units: [
                UnitReview(
                    unit: "base", summary: ResourceSummary(add: 1, change: 1, destroy: 1),
                    changes: [
                        PlannedChange(address: "aws_vpc.this", action: "update", attributes: [
                            AttributeChange(path: "tags.Name", before: "old", after: UIRouterTests.injected),
                            AttributeChange(path: "password", before: "(sensitive)", after: "(sensitive)"),
                        ]),
                        PlannedChange(address: "aws_subnet.a", action: "create", attributes: [AttributeChange(path: "cidr", before: nil, after: "10.0.0.0/24")]),
                        PlannedChange(address: "aws_subnet.b", action: "delete", attributes: []),
                    ],
                    planID: "p1", planDigest: "d1", desiredDigest: "x1"),
            ],
            deferred: ["app"])
        return run
    }

    @Test func aWaitingRunShowsItsPlanAndAdminsApproveIt() async throws {
        let fixture = Fixture()
        await fixture.synced()
        try await fixture.store.saveRun(Self.waitingRun("run-wait"))
        let viewer = try await fixture.signIn(.viewer)
        let admin = try await fixture.signIn(.admin, name: "bob")
        try await fixture.test { client in
            let (_, viewerBody) = try await Self.get(client, "/ui/runs/run-wait", viewer)
            #expect(viewerBody.contains("waiting for approval"))
            #expect(viewerBody.contains("<span class=\"add\">+1</span> <span class=\"change\">~1</span> <span class=\"destroy\">-1</span>"))
            #expect(viewerBody.contains("<span class=\"action action-change\">update</span> <code>aws_vpc.this</code>"))
            #expect(viewerBody.contains("<td class=\"before\"><code>old</code></td><td class=\"after\"><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></td>"))
            #expect(viewerBody.contains("<td class=\"before\"><span class=\"muted\">(none)</span></td><td class=\"after\"><code>10.0.0.0/24</code></td>"))
            #expect(viewerBody.contains("This plan deletes resources."))
            #expect(viewerBody.contains("<code>app</code>"))
            #expect(!viewerBody.contains("/approve"), "viewers get no approve button")

            let (_, adminBody) = try await Self.get(client, "/ui/runs/run-wait", admin)
            Self.expectWellFormedPage(adminBody, admin)
            #expect(adminBody.contains("action=\"/ui/runs/run-wait/approve\""))
            #expect(adminBody.contains("action=\"/ui/runs/run-wait/discard\""))

            let response = try await Self.post(client, "/ui/runs/run-wait/approve", admin)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/runs/run-wait?done=approve")

            let again = try await Self.post(client, "/ui/runs/run-wait/approve", admin)
            #expect(again.status == .conflict)
            let page = String(buffer: again.body)
            #expect(page.contains("<div class=\"banner banner-error\" role=\"alert\">Cannot approve: run run-wait does not wait for approval"))
            Self.expectWellFormedPage(page, admin)

            let missing = try await Self.post(client, "/ui/runs/nope/approve", admin)
            #expect(missing.status == .notFound)
        }
        let run = try #require(try await fixture.store.run("run-wait"))
        #expect(run.approvedBy == "bob")
        let audit = try await fixture.store.auditEntries(limit: 10, offset: 0)
        let approvals = audit.filter { $0.action == "approve" }
        #expect(approvals.count == 3)
        #expect(approvals.contains { $0.target == "run-wait" && $0.outcome == "approved" && $0.actor == "bob (sub sub-bob)" })
        #expect(approvals.contains { $0.target == "run-wait" && $0.outcome.hasPrefix("refused: ") })
        #expect(approvals.contains { $0.target == "nope" && $0.outcome.hasPrefix("refused: ") })
    }

    @Test func adminsDiscardAWaitingPlanAndRetryAFailedRun() async throws {
        let fixture = Fixture()
        await fixture.synced()
        try await fixture.store.saveRun(Self.waitingRun("run-discard"))
        try await fixture.store.saveRun(ServiceRun(
            id: "run-failed", infrastructure: "web", revision: "r1", trigger: .push, status: .failed, replica: "ui-test",
            queuedAt: Date(), results: [UnitResult(unit: "app", outcome: .failed, message: "boom")], message: "app failed"))
        let admin = try await fixture.signIn(.admin, name: "carol")
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let discarded = try await Self.post(client, "/ui/runs/run-discard/discard", admin)
            #expect(discarded.status == .seeOther)
            #expect(discarded.headers[.location] == "/ui/runs/run-discard?done=discard")
            let (_, page) = try await Self.get(client, "/ui/runs/run-discard?done=discard", admin)
            #expect(page.contains("Plan discarded; nothing was applied."))
            #expect(page.contains("Discarded by</dt><dd>carol"))
            #expect(!page.contains("action=\"/ui/runs/run-discard/approve\""))
            let twice = try await Self.post(client, "/ui/runs/run-discard/discard", admin)
            #expect(twice.status == .conflict)

            let (_, failedViewer) = try await Self.get(client, "/ui/runs/run-failed", viewer)
            #expect(!failedViewer.contains("/retry"))
            let (_, failedAdmin) = try await Self.get(client, "/ui/runs/run-failed", admin)
            #expect(failedAdmin.contains("action=\"/ui/runs/run-failed/retry\""))
            #expect(failedAdmin.contains("<p class=\"message\">boom</p>"))
            let retried = try await Self.post(client, "/ui/runs/run-failed/retry", admin)
            #expect(retried.status == .seeOther)
            #expect(retried.headers[.location] == "/ui/infrastructures/web?done=retry")

            let succeeded = try #require(try await fixture.store.runs(infrastructure: "web", status: .succeeded, limit: 1).first)
            let refused = try await Self.post(client, "/ui/runs/\(succeeded.id)/retry", admin)
            #expect(refused.status == .conflict)
            #expect(String(buffer: refused.body).contains("only a failed or interrupted run can be retried"))
        }
        await fixture.reconciler.waitUntilIdle()
        #expect(try await fixture.store.run("run-discard")?.status == .discarded)
        let audit = try await fixture.store.auditEntries(limit: 20, offset: 0)
        #expect(audit.contains { $0.action == "discard" && $0.target == "run-discard" && $0.outcome == "discarded" })
        #expect(audit.contains { $0.action == "retry" && $0.target == "run-failed" && $0.outcome == "queued" })
    }

    @Test func reconcileNowQueuesARunForAdminsOnly() async throws {
        let fixture = Fixture()
        await fixture.synced()
        let admin = try await fixture.signIn(.admin, name: "dave")
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let response = try await Self.post(client, "/ui/infrastructures/web/reconcile", admin)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/infrastructures/web?done=reconcile")

            let missing = try await Self.post(client, "/ui/infrastructures/nope/reconcile", admin)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("Cannot reconcile: no infrastructure named `nope` in the newest valid revision"))

            let forbidden = try await Self.post(client, "/ui/infrastructures/web/reconcile", viewer)
            #expect(forbidden.status == .forbidden)
            // Without the CSRF field the handler never runs.
            try await client.execute(
                uri: "/ui/infrastructures/web/reconcile", method: .post,
                headers: [.cookie: admin.cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "csrf=wrong")
            ) { #expect($0.status == .forbidden) }
        }
        await fixture.reconciler.waitUntilIdle()
        let runs = try await fixture.store.runs(infrastructure: "web", status: nil, limit: 10)
        #expect(runs.filter { $0.trigger == .manual }.count == 1)
        let audit = try await fixture.store.auditEntries(limit: 10, offset: 0).filter { $0.action == "reconcile" }
        #expect(audit.count == 2)
        #expect(audit.contains { $0.target == "web" && $0.outcome == "queued" && $0.actor == "dave (sub sub-dave)" })
        #expect(audit.contains { $0.target == "nope" && $0.outcome.hasPrefix("refused") })
    }

    // MARK: Source, locks, audit

    @Test func theSourcePageListsEveryProblem() async throws {
        let fixture = Fixture()
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let (status, body) = try await Self.get(client, "/ui/source", viewer)
            #expect(status == .ok)
            #expect(body.contains("The source has not been fetched yet."))
        }
        var source = SourceStatus(
            url: "https://git.example.com/infra.git", branch: "main", path: "deploy", fetchedRevision: "feedface00112233",
            fetchedAt: Date(), validRevision: "0011223344556677",
            errors: ["infra/web.yaml:3:7: unknown key `colud`", "infra/db.yaml:12:1: unit `x` is declared twice", "no location here"])
        source.conditions.markFailed(.validationFailed, "revision feedface0011 does not validate", stalled: true, at: Date())
        try await fixture.store.saveSource(source)
        try await fixture.test { client in
            let (_, body) = try await Self.get(client, "/ui/source", viewer)
            Self.expectWellFormedPage(body, viewer)
            #expect(body.contains("https://git.example.com/infra.git"))
            #expect(body.contains("<code title=\"feedface00112233\">feedface0011</code>"))
            #expect(body.contains("<code title=\"0011223344556677\">001122334455</code>"))
            #expect(body.contains("older than the fetched revision"))
            #expect(body.contains("3 problems"))
            #expect(body.contains("<code class=\"location\">infra/web.yaml:3:7</code>: <span class=\"message\">unknown key `colud`</span>"))
            #expect(body.contains("<code class=\"location\">infra/db.yaml:12:1</code>"))
            #expect(body.contains("<li><span class=\"message\">no location here</span></li>"))
            #expect(body.contains("Stalled=True"))
        }
    }

    @Test func theLocksPageShowsTheRunHoldingEachLock() async throws {
        let fixture = Fixture()
        await fixture.synced()
        let started = Date().addingTimeInterval(-300)
        try await fixture.store.saveInfrastructure(InfrastructureStatus(name: "db"))
        try await fixture.store.saveInfrastructure(InfrastructureStatus(name: "cache"))
        try await fixture.store.saveRun(ServiceRun(
            id: "run-holding", infrastructure: "db", operation: "destroy", revision: "abcabcabcabcabc", trigger: .push,
            status: .running, replica: "replica-2", queuedAt: started, startedAt: started))
        let viewer = try await fixture.signIn(.viewer)
        try await fixture.test { client in
            let (status, body) = try await Self.get(client, "/ui/locks", viewer)
            #expect(status == .ok)
            Self.expectWellFormedPage(body, viewer)
            #expect(body.contains("<a href=\"/ui/runs/run-holding\"><code>run-holding</code></a>"))
            #expect(body.contains("5 min ago"))
            #expect(body.contains("<td data-label=\"For\">destroy</td>"))
            #expect(body.contains("<code>replica-2</code>"))
            #expect(body.contains("1 lock"))
            #expect(body.contains("<li><a href=\"/ui/infrastructures/web\">web</a></li>"), "web is free")
            #expect(body.contains("<li><a href=\"/ui/infrastructures/cache\">cache</a></li>"), "cache is free")
        }
        // A `terrace apply` from a laptop holds web's state lock.
        let fresh = Fixture()
        await fresh.environment.locks.plant(LockInfo(
            id: "l1", infrastructure: "web", holder: "bob@laptop <pid 42>", operation: "apply", createdAt: started))
        await fresh.synced()
        let other = try await fresh.signIn(.viewer)
        try await fresh.test { client in
            let (_, body) = try await Self.get(client, "/ui/locks", other)
            #expect(body.contains("<code class=\"wrap\">bob@laptop &lt;pid 42&gt;</code> <span class=\"badge state-waiting\">outside this service</span>"))
            #expect(body.contains("<td data-label=\"For\">apply</td>"))
            #expect(!body.contains("<li><a href=\"/ui/infrastructures/web\">web</a></li>"))
        }
    }

    @Test func theAuditLogIsForAdminsAndPaginated() async throws {
        let fixture = Fixture()
        let start = Date().addingTimeInterval(-10_000)
        for index in 0..<120 {
            try await fixture.store.appendAudit(AuditEntry(
                id: String(format: "a%04d", index), at: start.addingTimeInterval(Double(index)), actor: "erin",
                action: "reconcile", target: "infra-\(index)", outcome: index == 5 ? "refused: nope" : "queued"))
        }
        let viewer = try await fixture.signIn(.viewer)
        let admin = try await fixture.signIn(.admin)
        try await fixture.test { client in
            let (forbidden, _) = try await Self.get(client, "/ui/audit", viewer)
            #expect(forbidden == .forbidden)

            var (status, body) = try await Self.get(client, "/ui/audit", admin)
            #expect(status == .ok)
            Self.expectWellFormedPage(body, admin)
            #expect(body.contains("Entries 1–50"))
            #expect(body.contains("infra-119") && body.contains("infra-70<") && !body.contains("infra-69<"))
            #expect(body.contains("<a href=\"/ui/infrastructures/infra-119\"><code>infra-119</code></a>"))
            #expect(body.contains("href=\"/ui/audit?page=2\" rel=\"next\""))
            (_, body) = try await Self.get(client, "/ui/audit?page=3", admin)
            #expect(body.contains("Entries 101–120"))
            #expect(body.contains("refused: nope"))
            #expect(body.contains("<tr class=\"row state-failed\">"))
            #expect(!body.contains("rel=\"next\""))
            #expect(body.contains("href=\"/ui/audit?page=2\" rel=\"prev\""))
        }
    }

    // MARK: Static files and failures

    @Test func staticFilesAreServedWithoutASessionAndNothingElseIs() async throws {
        let fixture = Fixture()
        try await fixture.test { client in
            try await client.execute(uri: "/ui/static/terrace.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(response.headers[.cacheControl] == "public, max-age=3600")
                #expect(String(buffer: response.body).contains(".node.state-failed"))
            }
            try await client.execute(uri: "/ui/static/live-log.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
            }
            for uri in [
                "/ui/static/nope.css", "/ui/static/..%2FTemplates%2Fhead.mustache", "/ui/static/%2E%2E", "/ui/static/.hidden",
                "/ui/static/..%5Chead.mustache",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(!String(buffer: response.body).contains("{{"), "\(uri)")
                }
            }
        }
    }

    @Test func aMissingTemplateIsAPlainServerError() async throws {
        let renderer = PageRenderer(templates: ["head": "<html>{{title}}", "foot": "</html>"])
        let broken = PageRenderer(templates: ["head": "{{#open}}", "foot": "", "page": "{{> head}}x{{> foot}}"])
        let router = Router(context: WebRequestContext.self)
        router.get("missing") { _, context in renderer.page("inventory", title: "x", context: context, data: [:]) }
        router.get("broken") { _, context in broken.page("page", title: "x", context: context, data: [:]) }
        try await Application(router: router).test(.router) { client in
            for uri in ["/missing", "/broken"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .internalServerError)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(String(buffer: response.body).contains("a page template is missing from this Terrace build"))
                }
            }
        }
        #expect(renderer.fragment("inventory", data: [:]) == nil)
        #expect(renderer.fragment("head", data: ["title": Self.injected]) == "<html>&lt;script&gt;alert(1)&lt;/script&gt;")

        let bundled = PageRenderer()
        for name in ["head", "foot", "inventory", "infrastructure", "run", "source", "locks", "audit", "problem"] {
            #expect(bundled.hasTemplate(name), "\(name).mustache is bundled")
        }
    }
}
