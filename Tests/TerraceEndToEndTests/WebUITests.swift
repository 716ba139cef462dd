import Foundation
import Testing
import TerraceTestSupport

/// The web UI in a real browser (headless Chromium through chromedriver) against the real `terrace serve`, moto,
/// a git daemon, SQLite and a real OpenID Connect provider: sign-in, the inventory, the graph, a live log, logout.
/// Screenshots go to `$TERRACE_ARTIFACTS_DIR/screenshots` (else `.artifacts/screenshots`).
@Suite(WebUIWorld.needsBrowser)
struct WebUITests {
    static func files(_ endpoint: String, ticks: Int = 1) -> [String: String] {
        [
            "terrace.yaml": "kind: Project\nname: webui\n",
            "modules/bucket/main.tf": WebUIWorld.bucketModule,
            "modules/ticking/main.tf": WebUIWorld.tickingModule,
            "infrastructures/web.yaml": web(endpoint, ticks: ticks),
            "infrastructures/other.yaml": """
                kind: Infrastructure
                name: other
                cloud: {provider: aws, region: us-east-1, endpoint: "\(endpoint)"}
                units:
                  - name: store
                    module: ../modules/bucket
                    inputs: {name: webui-other-store}

                """,
        ]
    }

    static func web(_ endpoint: String, ticks: Int) -> String {
        """
        kind: Infrastructure
        name: web
        cloud: {provider: aws, region: us-east-1, endpoint: "\(endpoint)"}
        units:
          - name: storage
            module: ../modules/bucket
            inputs: {name: webui-web-storage}
          - name: ticker
            module: ../modules/ticking
            inputs: {name: "/${storage.bucket}/ticker", ticks: \(ticks)}

        """
    }

    @Test("sign-in through the provider, the inventory, the graph, a log streaming while Terraform runs, logout")
    func signInInventoryGraphLiveLogLogout() async throws {
        let world = try await WebUIWorld.start { Self.files($0) }
        do {
            try await scenario(world)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }

    func scenario(_ world: WebUIWorld) async throws {
        try await world.serve.waitUntil("both infrastructures ready") {
            let web = try await world.infrastructure("web")
            let other = try await world.infrastructure("other")
            return [web, other].allSatisfy { Self.condition($0, "Ready")?["status"] as? String == "True" }
        }
        let firstRevision = try #require(try await world.infrastructure("web")["lastAppliedRevision"] as? String)

        // 1. Anonymous: pages need a session; the API needs its token.
        let (anonymous, _, anonymousHeaders) = try await world.serve.exchange("GET", "/ui")
        #expect([302, 303].contains(anonymous), "GET /ui without a session answered \(anonymous)")
        #expect(anonymousHeaders["location"] != nil)

        // 2. Sign-in through the provider: the admin lands on the inventory, named, with a session cookie that is
        //    __Host-, HttpOnly, Secure and SameSite=Lax.
        let admin = try await world.signIn(as: WebUIWorld.admin)
        var problems: [String] = []
        let cookie = try #require(try await world.sessionCookie(admin), "no \(WebUIWorld.sessionCookie) cookie after sign-in")
        #expect(cookie["httpOnly"] as? Bool == true)
        #expect(cookie["secure"] as? Bool == true)
        #expect((cookie["sameSite"] as? String)?.lowercased() == "lax", "sameSite: \(cookie["sameSite"] ?? "none")")
        #expect(cookie["path"] as? String == "/")
        let sessionValue = try #require(cookie["value"] as? String)
        let header = try await admin.bodyText()
        #expect(header.contains(WebUIWorld.admin.name))
        #expect(header.lowercased().contains("admin"), "the header shows no role")

        // 3. The inventory: both infrastructures, Ready, the applied revision.
        try await admin.open(world.base + "/ui")
        let inventory = try await admin.bodyText()
        #expect(try await admin.find("a[href$='/ui/infrastructures/web']") != nil, "no link to web:\n\(inventory)")
        #expect(try await admin.find("a[href$='/ui/infrastructures/other']") != nil, "no link to other:\n\(inventory)")
        #expect(inventory.contains("Ready"), "\(inventory)")
        #expect(inventory.contains(String(firstRevision.prefix(7))), "the applied revision is not shown:\n\(inventory)")
        try await admin.saveScreenshot("inventory")
        problems += try await world.consoleProblems(admin)

        // Name search narrows the list (a GET form).
        if let search = try await admin.find("input[type='search'], input[name='q'], input[name='search'], input[name='name']") {
            try await search.type("oth\u{E007}")
            try await admin.waitUntil("the search to show only `other`") {
                let url = try await admin.currentURL()
                let web = try await admin.find("a[href$='/ui/infrastructures/web']")
                return url.contains("oth") && web == nil
            }
            #expect(try await admin.find("a[href$='/ui/infrastructures/other']") != nil)
        } else {
            Issue.record("the inventory has no name search field")
        }

        // 4. On a phone: the inventory fits the screen's width.
        let phone = try await world.signIn(as: WebUIWorld.viewer, size: .phone)
        try await phone.open(world.base + "/ui")
        let overflow = try await phone.execute("return document.documentElement.scrollWidth - window.innerWidth;") as? Int ?? 0
        #expect(overflow <= 1, "the inventory is \(overflow) px wider than a 390 px phone screen")
        #expect(try await phone.bodyText().lowercased().contains("viewer"), "the viewer's role is not shown")
        try await phone.saveScreenshot("inventory-phone")
        problems += try await world.consoleProblems(phone)
        await world.chrome.close(phone)

        // 5. The infrastructure: the graph drawn on the server as SVG, its units and the edge between them; outputs.
        try await admin.open(world.base + "/ui")
        let link = try await admin.waitFor("a[href$='/ui/infrastructures/web']")
        try await link.click()
        try await admin.waitUntil("the infrastructure page of web") { try await admin.currentURL().hasSuffix("/ui/infrastructures/web") }
        let svgText = try await admin.execute("const s = document.querySelector('svg'); return s ? s.textContent : null;") as? String
        #expect(svgText?.contains("storage") == true && svgText?.contains("ticker") == true, "the graph: \(svgText ?? "no <svg>")")
        let edges = try await admin.execute(
            "return document.querySelectorAll('svg path:not(defs *), svg line:not(defs *), svg polyline:not(defs *)').length;") as? Int ?? 0
        #expect(edges == 1, "the graph draws \(edges) edges; storage → ticker is the only one")
        // Units are coloured by state through the stylesheet (the CSP allows no inline style): a ready unit's box is
        // neither unstyled black nor transparent.
        let fills = try await admin.execute("""
            return Array.from(document.querySelectorAll('svg rect')).map(r => getComputedStyle(r).fill + ' ' + getComputedStyle(r).stroke);
            """) as? [String] ?? []
        #expect(!fills.isEmpty && fills.allSatisfy { !$0.hasPrefix("rgb(0, 0, 0) none") && !$0.hasPrefix("none none") }, "unit boxes: \(fills)")
        let infrastructurePage = try await admin.bodyText()
        #expect(infrastructurePage.contains("webui-web-storage"), "the storage unit's output is not shown:\n\(infrastructurePage)")
        try await admin.saveScreenshot("infrastructure")
        problems += try await world.consoleProblems(admin)

        // 6. A run whose log lines appear in the open page while Terraform still runs (no reload).
        let revision = try await world.push(["infrastructures/web.yaml": Self.web(world.moto.endpoint, ticks: 8)], message: "web: 8 ticks")
        let running = try await world.waitForRun("the push run of web to start", of: "web") {
            $0["revision"] as? String == revision && $0["status"] as? String == "running"
        }
        let runID = try #require(running["id"] as? String)
        try await admin.open(world.base + "/ui/runs/\(runID)")
        try await admin.execute("window.terraceTestMarker = 'not reloaded';")
        let atLoad = try await admin.bodyText()
        // The first tick not already in the page when it loaded.
        let tick = (1...8).map { "tick-\($0)" }.first { !atLoad.contains($0 + "\n") && !atLoad.hasSuffix($0) } ?? "tick-8"
        #expect(tick != "tick-8" || !atLoad.contains("tick-8"), "the run ended before its page was open")
        try await admin.waitUntil("`\(tick)` to appear in the open run page", timeout: 600) {
            try await admin.bodyText().contains(tick)
        }
        let runWhenSeen = try await world.run(runID)
        #expect(runWhenSeen["status"] as? String == "running", "the line appeared only once the run was \(runWhenSeen["status"] ?? "?")")
        #expect(try await admin.execute("return window.terraceTestMarker || null;") as? String == "not reloaded", "the page reloaded itself")
        try await admin.saveScreenshot("run-live")
        problems += try await world.consoleProblems(admin)
        let finished = try await world.waitForRun("the push run of web to finish", of: "web") {
            $0["id"] as? String == runID && $0["status"] as? String != "running"
        }
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        try await admin.waitUntil("the open page to show the last tick") { try await admin.bodyText().contains("tick-8") }
        try await admin.open(world.base + "/ui/runs/\(runID)")
        let done = try await admin.bodyText()
        #expect(done.lowercased().contains("succeeded"), "\(done)")
        #expect(done.contains("ticker") && done.contains("storage"), "\(done)")

        // 7. Logout: the session ends on the server; the old cookie no longer signs anyone in.
        let logout = try #require(
            try await admin.find("form[action$='/ui/logout'] button, form[action$='/ui/logout'] input[type='submit']"),
            "no logout form on the page")
        try await logout.click()
        do {
            try await admin.waitUntil("the page to leave the signed-in view after Sign out", timeout: 60) {
                !(try await admin.bodyText().contains(WebUIWorld.admin.name))
            }
        } catch {
            Issue.record("Sign out left the browser on the signed-in page: \(error)")
        }
        let after = try await world.sessionCookie(admin)
        #expect(after?["value"] as? String != sessionValue, "the session cookie survived logout")
        let (status, body, headers) = try await world.serve.exchange("GET", "/ui", headers: ["Cookie": "\(WebUIWorld.sessionCookie)=\(sessionValue)"])
        #expect([302, 303].contains(status), "GET /ui with the old session cookie answered \(status), location \(headers["location"] ?? "none")")
        #expect(!String(decoding: body, as: UTF8.self).contains(WebUIWorld.admin.name))
        try await admin.open(world.base + "/ui")
        try await admin.waitUntil("the sign-in way (provider or login page) after logout") {
            let url = try await admin.currentURL()
            return url.hasPrefix(world.provider.issuer) || url.hasPrefix(world.base + "/ui/login")
        }
        problems += try await world.consoleProblems(admin)
        #expect(problems.isEmpty, "the browser reported:\n\(problems.joined(separator: "\n"))")
    }

    static func condition(_ object: [String: Any]?, _ type: String) -> [String: Any]? {
        (object?["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == type }
    }
}
