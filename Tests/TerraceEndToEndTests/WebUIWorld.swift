import Foundation
import Testing
import TerraceTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the browser tests share: moto, a git daemon serving the test's repository, a real OpenID Connect provider
/// (`oidc-provider-mock`) with an admin and a viewer, `terrace serve` signing in through it, and chromedriver with
/// headless Chromium. Everything listens on 127.0.0.1 and is stopped by ``stop()``.
struct WebUIWorld {
    /// Browser suites run when Chromium and chromedriver are installed, and always under CI (`CI=true`), where a
    /// missing browser fails them with what to install.
    static let needsBrowser: ConditionTrait = .enabled(
        if: ChromeDriver.shouldRun,
        "Chromium or chromedriver is missing (apt-get install -y chromium chromium-driver); under CI=true these tests fail instead")

    /// The admin: a member of the admin group.
    static let admin = OIDCProviderMock.User(
        subject: "alice", name: "Alice Admin", email: "alice@terrace.test", groups: ["staff", "terrace-admins"])
    /// A viewer: signed in, not in the admin group.
    static let viewer = OIDCProviderMock.User(subject: "victor", name: "Victor Viewer", email: "victor@terrace.test", groups: ["staff"])
    static let adminGroup = "terrace-admins"
    static let webhookSecret = "web-ui-webhook-secret"
    static let sessionCookie = "__Host-terrace_session"

    let folder: URL
    let moto: MotoServer
    let daemon: GitDaemon
    let repo: GitWorkRepo
    let aws: AWSCLI
    let provider: OIDCProviderMock
    let serve: ServeProcess
    let chrome: ChromeDriver
    /// The admin token `terrace serve` printed on its first start, for checks through the API.
    let token: String

    /// The service's base URL, `http://127.0.0.1:PORT` (also its `--public-url`).
    var base: String { serve.base }

    /// Starts everything: the repository holds `files(motoEndpoint)`; the status database is SQLite in the data
    /// folder, or a fresh database on the tests' PostgreSQL server when `postgres`.
    static func start(postgres: Bool = false, files: (String) -> [String: String]) async throws -> WebUIWorld {
        if let missing = ChromeDriver.missing { throw HarnessError("browser tests cannot run: \(missing)") }
        let folder = try CommandRunner.scratchFolder()
        var moto: MotoServer?
        var daemon: GitDaemon?
        var provider: OIDCProviderMock?
        var serve: ServeProcess?
        do {
            let aws = try await MotoServer.start()
            moto = aws
            let repo = try await GitWorkRepo.create(at: folder.path + "/git/infra", files: files(aws.endpoint))
            let git = try await GitDaemon.start(basePath: folder.path + "/git")
            daemon = git
            let oidc = try await OIDCProviderMock.start(users: [admin, viewer], in: folder)
            provider = oidc
            let port = try MotoServer.freePort()
            let base = "http://127.0.0.1:\(port)"
            let client = try await oidc.registerClient(redirectURI: base + "/ui/auth/callback")
            try client.secret.write(toFile: folder.path + "/oidc-client-secret", atomically: true, encoding: .utf8)
            try webhookSecret.write(toFile: folder.path + "/webhook-secret", atomically: true, encoding: .utf8)
            var environment = aws.environment
            environment.merge(try TerraformHarness.environment(in: folder.path + "/terraform")) { _, new in new }
            let arguments = [
                "--repo", git.url("infra"), "--interval", "1h", "--drift-interval", "0", "--data", "data",
                "--webhook-secret-file", "webhook-secret",
                "--oidc-issuer", oidc.issuer, "--oidc-client-id", client.id, "--oidc-client-secret-file", "oidc-client-secret",
                "--oidc-admin-group", adminGroup, "--public-url", base,
            ] + (postgres ? ["--database", try await PostgresServer.shared().createDatabase()] : [])
            let service = try await ServeProcess.start(arguments, in: folder, environment: environment, port: port)
            serve = service
            guard let token = service.printedToken else { throw HarnessError("terrace serve printed no admin token:\n\(service.logTail)") }
            let chrome = try await ChromeDriver.start()
            return WebUIWorld(
                folder: folder, moto: aws, daemon: git, repo: repo, aws: AWSCLI(server: aws), provider: oidc, serve: service,
                chrome: chrome, token: token)
        } catch {
            serve?.kill()
            provider?.stop()
            daemon?.stop()
            moto?.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Stops the browsers, the service, the provider, the git daemon and moto, and removes the scratch folder.
    func stop() async {
        await chrome.stop()
        serve.kill()
        provider.stop()
        daemon.stop()
        moto.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: The browser

    /// Opens a browser and signs `user` in through the provider's authorization page; returns the browser on the
    /// inventory.
    func signIn(as user: OIDCProviderMock.User, size: ChromeDriver.WindowSize = .desktop) async throws -> WebDriver {
        let browser = try await chrome.newSession(size)
        try await signIn(browser, as: user)
        return browser
    }

    /// Signs `user` in: opens /ui, follows the way to the provider (clicking a sign-in link on /ui/login when
    /// there is one), picks the user on the provider's page and waits to be back on the inventory as them.
    func signIn(_ browser: WebDriver, as user: OIDCProviderMock.User) async throws {
        try await browser.open(base + "/ui")
        try await browser.waitUntil("the way to the provider's authorization page", timeout: 60) {
            let url = try await browser.currentURL()
            if url.hasPrefix(provider.issuer) { return true }
            if url.hasPrefix(base + "/ui/login"),
                let link = try await browser.findAll(
                    xpath: "//a[contains(translate(., 'SIGNLO', 'signlo'), 'sign in') or contains(translate(., 'SIGNLO', 'signlo'), 'log in')]"
                        + " | //form[not(contains(@action, 'logout'))]//button[contains(translate(., 'SIGNLO', 'signlo'), 'sign in')"
                        + " or contains(translate(., 'SIGNLO', 'signlo'), 'log in')]"
                ).first
            {
                try await link.click()
            }
            return false
        }
        let pick = try await browser.waitFor("button[name='sub'][value='\(user.subject)']", timeout: 60)
        try await pick.click()
        try await browser.waitUntil("to be back on the web UI, signed in as \(user.name)", timeout: 60) {
            let url = try await browser.currentURL()
            guard url.hasPrefix(base + "/ui"), !url.contains("/ui/login"), !url.contains("/ui/auth/") else { return false }
            return try await browser.bodyText().contains(user.name)
        }
    }

    /// The value of the session cookie the browser holds, or nil.
    func sessionCookie(_ browser: WebDriver) async throws -> [String: Any]? {
        try await browser.cookies().first { $0["name"] as? String == Self.sessionCookie }
    }

    /// The CSRF token the page carries in its forms (`<input name="csrf">`), or nil.
    func csrf(_ browser: WebDriver) async throws -> String? {
        guard let input = try await browser.find("input[name='csrf']") else { return nil }
        return try await input.attribute("value")
    }

    /// Sends a same-origin POST from the page (the browser adds its session cookie) and returns the status, not
    /// following redirects (a redirect counts as 303): `form` is sent as `application/x-www-form-urlencoded`.
    func post(from browser: WebDriver, _ path: String, form: [String: String] = [:], headers: [String: String] = [:]) async throws -> Int {
        try await fetchStatus(from: browser, "POST", path, form: form, headers: headers)
    }

    /// Sends a same-origin request from the page with `fetch` and returns its status (303 for any redirect).
    func fetchStatus(
        from browser: WebDriver, _ method: String, _ path: String, form: [String: String] = [:], headers: [String: String] = [:]
    ) async throws -> Int {
        let script = """
            const [method, path, form, headers, done] = arguments;
            const init = {method, redirect: 'manual', credentials: 'same-origin', headers: Object.assign({}, headers)};
            if (method !== 'GET') {
              init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
              init.body = new URLSearchParams(form).toString();
            }
            fetch(path, init).then(r => done(r.type === 'opaqueredirect' ? 303 : r.status), e => done(-1));
            """
        guard let status = try await browser.executeAsync(script, [method, path, form, headers]) as? Int else {
            throw HarnessError("the page's fetch of \(path) returned no status")
        }
        return status
    }

    /// Content Security Policy violations, script errors and failed loads of Terrace's pages the browser reported
    /// since the last call (the provider's own pages and favicon requests aside).
    func consoleProblems(_ browser: WebDriver) async throws -> [String] {
        try await browser.consoleLog().filter { $0.level == "SEVERE" || $0.message.contains("Content Security Policy") }
            .map(\.message).filter { $0.hasPrefix(base) && !$0.contains("favicon.ico") }
    }

    // MARK: The service's API and the repository

    /// The runs of `name`, newest first.
    func runs(_ name: String) async throws -> [[String: Any]] {
        try #require(try await serve.api("/runs?infrastructure=\(name)&limit=100", token: token)["runs"] as? [[String: Any]])
    }

    /// One run, as the API shows it.
    func run(_ id: String) async throws -> [String: Any] {
        let object = try await serve.api("/runs/\(id)", token: token)
        return object["run"] as? [String: Any] ?? object
    }

    /// The infrastructure's status.
    func infrastructure(_ name: String) async throws -> [String: Any] {
        try #require(try await serve.api("/infrastructures/\(name)", token: token)["infrastructure"] as? [String: Any])
    }

    /// Waits for a run of `name` matching `match` and returns it.
    func waitForRun(_ what: String, of name: String, timeout: Double = 600, _ match: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        var found: [String: Any] = [:]
        try await serve.waitUntil(what, timeout: timeout) {
            guard let run = try await runs(name).first(where: match) else { return false }
            found = run
            return true
        }
        return found
    }

    /// Commits `files` and announces the push with the webhook (GitLab's token header); returns the revision.
    @discardableResult
    func push(_ files: [String: String?], message: String) async throws -> String {
        let revision = try await repo.commit(files, message: message)
        let body = Data(#"{"ref":"refs/heads/main"}"#.utf8)
        let (status, _) = try await serve.request(
            "POST", "/hooks/git", headers: ["X-Gitlab-Token": Self.webhookSecret, "Content-Type": "application/json"], body: body)
        guard status == 202 else { throw HarnessError("the webhook answered \(status)") }
        return revision
    }

    /// Whether moto holds the bucket.
    func bucketExists(_ name: String) async throws -> Bool {
        let buckets = try await aws.list(["s3api", "list-buckets"], "Buckets").compactMap { $0["Name"] as? String }
        return buckets.contains(name)
    }

    /// The tags of a bucket (empty when it has none).
    func bucketTags(_ name: String) async throws -> [String: String] {
        let object = try await aws.json(["s3api", "get-bucket-tagging", "--bucket", name]) as? [String: Any] ?? [:]
        let pairs = (object["TagSet"] as? [[String: Any]] ?? []).compactMap { tag -> (String, String)? in
            guard let key = tag["Key"] as? String, let value = tag["Value"] as? String else { return nil }
            return (key, value)
        }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }

    // MARK: Repository content

    /// A module with one S3 bucket, tagged.
    static let bucketModule = """
        variable "name" { type = string }
        variable "stage" {
          type    = string
          default = "one"
        }
        resource "aws_s3_bucket" "this" {
          bucket        = var.name
          force_destroy = true
          tags          = { stage = var.stage }
        }
        output "bucket" { value = aws_s3_bucket.this.bucket }

        """

    /// A module whose apply prints `tick-1` … `tick-<ticks>`, one every 3 seconds, from a local-exec provisioner,
    /// between two SSM parameters.
    static let tickingModule = """
        variable "name" { type = string }
        variable "ticks" { type = number }
        resource "aws_ssm_parameter" "before" {
          name      = "${var.name}/before"
          type      = "String"
          value     = tostring(var.ticks)
          overwrite = true
        }
        resource "terraform_data" "ticks" {
          depends_on       = [aws_ssm_parameter.before]
          triggers_replace = [var.ticks]
          provisioner "local-exec" {
            command = "for i in $(seq 1 ${var.ticks}); do echo tick-$i; sleep 3; done"
          }
        }
        output "name" { value = aws_ssm_parameter.before.name }

        """
}

