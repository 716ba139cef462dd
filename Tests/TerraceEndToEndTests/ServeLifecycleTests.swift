import Foundation
import Testing
import TerraceTestSupport

/// `terrace serve` for real: a git daemon on loopback, moto, Terraform, SQLite or PostgreSQL; the service driven by
/// commits, webhooks, signals and `kill -9`, and read through its API and metrics.
@Suite(.serialized) struct ServeLifecycleTests {
    static let paramModule = """
        variable "name" { type = string }
        variable "value" { type = string }
        resource "aws_ssm_parameter" "this" {
          name      = var.name
          type      = "String"
          value     = var.value
          overwrite = true
        }
        output "name" { value = aws_ssm_parameter.this.name }

        """


    static func manifest(_ name: String, endpoint: String, value: String = "1", drift: String = "report", extra: String = "") -> String {
        """
        kind: Infrastructure
        name: \(name)
        drift: \(drift)
        cloud:
          provider: aws
          region: us-east-1
          endpoint: \(endpoint)
        units:
          - name: first
            module: ../modules/param
            inputs: {name: /\(name)/first, value: "\(value)"}
          - name: second
            module: ../modules/param
            inputs: {name: "${first.name}-second", value: "1"}
        \(extra)
        """
    }

    /// A scratch folder with moto, a git daemon serving `repo`, and the environment for Terraform.
    struct World {
        let folder: URL
        let moto: MotoServer
        let daemon: GitDaemon
        let repo: GitWorkRepo
        let aws: AWSCLI
        let environment: [String: String]

        static func start(files: (String) -> [String: String]) async throws -> World {
            let folder = try CommandRunner.scratchFolder()
            let moto = try await MotoServer.start()
            let repo = try await GitWorkRepo.create(at: folder.path + "/git/infra", files: files(moto.endpoint))
            let daemon = try await GitDaemon.start(basePath: folder.path + "/git")
            var environment = moto.environment
            environment.merge(try TerraformHarness.environment(in: folder.path + "/terraform")) { _, new in new }
            return World(folder: folder, moto: moto, daemon: daemon, repo: repo, aws: AWSCLI(server: moto), environment: environment)
        }

        func stop() {
            daemon.stop()
            moto.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        func parameter(_ name: String) async throws -> String? {
            let object = try? await aws.json(["ssm", "get-parameter", "--name", name]) as? [String: Any]
            return (object?["Parameter"] as? [String: Any])?["Value"] as? String
        }
    }

    static func condition(_ object: [String: Any]?, _ type: String) -> [String: Any]? {
        (object?["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == type }
    }

    static func infrastructure(_ serve: some TerraceAPIClient, _ name: String, token: String) async throws -> [String: Any] {
        try #require(try await serve.api("/infrastructures/\(name)", token: token)["infrastructure"] as? [String: Any])
    }

    static func runs(_ serve: some TerraceAPIClient, _ name: String, token: String) async throws -> [[String: Any]] {
        try #require(try await serve.api("/runs?infrastructure=\(name)&limit=100", token: token)["runs"] as? [[String: Any]])
    }

    static func isReady(_ serve: some TerraceAPIClient, _ name: String, token: String) async throws -> Bool {
        let status = try await infrastructure(serve, name, token: token)
        return condition(status, "Ready")?["status"] as? String == "True"
    }

    static func signedPush(secret: String, style: String) async throws -> (Data, [String: String]) {
        let body = Data(#"{"ref":"refs/heads/main","after":"0000000000000000000000000000000000000000"}"#.utf8)
        switch style {
        case "gitlab": return (body, ["X-Gitlab-Token": secret, "Content-Type": "application/json"])
        case "generic": return (body, ["X-Terrace-Signature": try await hmac(body, secret), "Content-Type": "application/json"])
        default: return (body, ["X-Hub-Signature-256": try await hmac(body, secret), "X-GitHub-Event": "push", "Content-Type": "application/json"])
        }
    }

    /// `sha256=` and the HMAC-SHA256 of `body` keyed with `secret`, computed independently by Python.
    static func hmac(_ body: Data, _ secret: String) async throws -> String {
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env", ["python3", "-c", "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())",
                             secret, String(decoding: body, as: UTF8.self)],
            in: URL(fileURLWithPath: "/tmp"))
        return "sha256=" + output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("push and webhook, signatures and token, a broken commit, SIGTERM, drift reported and corrected")
    func webhookValidationShutdownAndDrift() async throws {
        let world = try await World.start { endpoint in
            [
                "terrace.yaml": "kind: Project\nname: serve\n",
                "modules/param/main.tf": Self.paramModule,
                "infrastructures/alpha.yaml": Self.manifest("alpha", endpoint: endpoint, drift: "correct"),
                "infrastructures/beta.yaml": Self.manifest("beta", endpoint: endpoint),
            ]
        }
        defer { world.stop() }
        let secret = "webhook-secret-for-tests"
        try secret.write(toFile: world.folder.path + "/webhook-secret", atomically: true, encoding: .utf8)
        let arguments = [
            "--repo", world.daemon.url("infra"), "--interval", "1h", "--drift-interval", "0", "--data", "data",
            "--webhook-secret-file", "webhook-secret",
        ]
        let serve = try await ServeProcess.start(arguments, in: world.folder, environment: world.environment)
        defer { serve.kill() }
        let token = try #require(serve.printedToken, "\(serve.log)")

        // 1. The first poll applies both infrastructures.
        try await serve.waitUntil("both infrastructures ready") {
            let alpha = try await Self.isReady(serve, "alpha", token: token)
            let beta = try await Self.isReady(serve, "beta", token: token)
            return alpha && beta
        }
        #expect(try await world.parameter("/alpha/first") == "1")
        #expect(try await Self.runs(serve, "beta", token: token).count == 1)

        // 2. No token, a wrong token: 401. Probes and metrics need none.
        #expect(try await serve.request("GET", "/api/v1/infrastructures").0 == 401)
        #expect(try await serve.request("GET", "/api/v1/infrastructures", token: "trc_wrong").0 == 401)
        #expect(try await serve.request("POST", "/api/v1/infrastructures/alpha/reconcile").0 == 401)
        #expect(try await serve.request("GET", "/healthz").0 == 200)
        #expect(try await serve.request("GET", "/readyz").0 == 200)

        // 3. A commit changing one input of alpha; unsigned and wrongly signed webhooks are refused and fetch nothing.
        let sourceBefore = try await serve.api("/source", token: token)
        let changed = try await world.repo.commit(["infrastructures/alpha.yaml": Self.manifest("alpha", endpoint: world.moto.endpoint, value: "2", drift: "correct")], message: "alpha: value 2")
        let (body, _) = try await Self.signedPush(secret: secret, style: "github")
        #expect(try await serve.request("POST", "/hooks/git", body: body).0 == 401)
        #expect(try await serve.request("POST", "/hooks/git", headers: ["X-Hub-Signature-256": try await Self.hmac(body, "not-the-secret")], body: body).0 == 401)
        #expect(try await serve.request("POST", "/hooks/git", headers: ["X-Gitlab-Token": "not-the-secret"], body: body).0 == 401)
        #expect(try await serve.request("POST", "/hooks/git", headers: ["X-Hub-Signature-256": try await Self.hmac(body, secret)], body: Data(count: 1_100_000)).0 == 413)
        try await Task.sleep(for: .seconds(1))
        let sourceAfter = try await serve.api("/source", token: token)
        #expect(sourceAfter["fetchedRevision"] as? String == sourceBefore["fetchedRevision"] as? String)
        #expect(sourceAfter["fetchedAt"] as? String == sourceBefore["fetchedAt"] as? String)

        // 4. A signed webhook: alpha runs at once (the poll interval is an hour), only its changed unit applies; beta is untouched.
        let (signedBody, headers) = try await Self.signedPush(secret: secret, style: "github")
        let sent = Date()
        #expect(try await serve.request("POST", "/hooks/git", headers: headers, body: signedBody).0 == 202)
        var pushRun: [String: Any] = [:]
        try await serve.waitUntil("alpha's push run to finish") {
            guard let run = try await Self.runs(serve, "alpha", token: token).first(where: { $0["revision"] as? String == changed }),
                run["status"] as? String != "running"
            else { return false }
            pushRun = run
            return true
        }
        #expect(pushRun["trigger"] as? String == "push")
        #expect(pushRun["status"] as? String == "succeeded")
        let outcomes = Dictionary(uniqueKeysWithValues: ((pushRun["results"] as? [[String: Any]]) ?? []).compactMap { result in
            (result["unit"] as? String).map { ($0, result["outcome"] as? String ?? "") }
        })
        #expect(outcomes == ["first": "applied", "second": "unchanged"])
        if let started = (pushRun["startedAt"] as? String).flatMap({ try? Date($0, strategy: .iso8601) }) {
            print("webhook to run start: \(String(format: "%.2f", started.timeIntervalSince(sent))) s (whole seconds in the API)")
        }
        #expect(try await world.parameter("/alpha/first") == "2")
        #expect(try await Self.runs(serve, "beta", token: token).count == 1)
        let beta = try await Self.infrastructure(serve, "beta", token: token)
        #expect(beta["lastAppliedRevision"] as? String == changed)
        let runID = try #require(pushRun["id"] as? String)
        let detail = try await serve.api("/runs/\(runID)", token: token)
        let logs = try #require(detail["logs"] as? [String: String])
        #expect(logs["first"]?.contains("terraform apply") == true, "\(logs.keys)")
        let alpha = try await Self.infrastructure(serve, "alpha", token: token)
        #expect(((alpha["outputs"] as? [String: Any])?["first"] as? [String: Any])?["name"] as? String == "/alpha/first")
        let (_, metricsBody) = try await serve.request("GET", "/metrics")
        let metrics = String(decoding: metricsBody, as: UTF8.self)
        #expect(metrics.contains(#"terrace_reconcile_duration_seconds_count{infrastructure="alpha"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"terrace_reconcile_duration_seconds_count{infrastructure="beta"} 1"#))
        #expect(metrics.contains(#"terrace_unit_outcomes_total{infrastructure="alpha",outcome="applied"} 3"#))
        #expect(metrics.contains("terrace_queue_depth 0"))
        #expect(metrics.contains("terrace_source_last_fetch_timestamp_seconds"))

        // 5. A broken commit stalls the source with the error's file and line; infrastructures are left alone.
        var broken = Self.manifest("beta", endpoint: world.moto.endpoint)
        broken = broken.replacingOccurrences(of: "${first.name}", with: "${frist.name}")
        let brokenRevision = try await world.repo.commit(["infrastructures/beta.yaml": broken], message: "beta: typo")
        let (genericBody, genericHeaders) = try await Self.signedPush(secret: secret, style: "generic")
        #expect(try await serve.request("POST", "/hooks/git", headers: genericHeaders, body: genericBody).0 == 202)
        var stalled: [String: Any] = [:]
        try await serve.waitUntil("the source to stall") {
            stalled = try await serve.api("/source", token: token)
            return stalled["fetchedRevision"] as? String == brokenRevision && Self.condition(stalled, "Stalled") != nil
        }
        #expect(Self.condition(stalled, "Stalled")?["reason"] as? String == "ValidationFailed")
        let errors = try #require(stalled["errors"] as? [String])
        #expect(errors.first?.hasPrefix("infrastructures/beta.yaml:14:23: error: unknown reference `frist.name`") == true, "\(errors)")
        #expect(errors.first?.contains("frist") == true)
        #expect(try await Self.isReady(serve, "beta", token: token))
        #expect(try await Self.runs(serve, "beta", token: token).count == 1)

        // 6. The next good commit recovers.
        let fixed = try await world.repo.commit(["infrastructures/beta.yaml": Self.manifest("beta", endpoint: world.moto.endpoint)], message: "beta: fix")
        let (gitlabBody, gitlabHeaders) = try await Self.signedPush(secret: secret, style: "gitlab")
        #expect(try await serve.request("POST", "/hooks/git", headers: gitlabHeaders, body: gitlabBody).0 == 202)
        try await serve.waitUntil("the source to recover") {
            let source = try await serve.api("/source", token: token)
            return source["validRevision"] as? String == fixed && Self.condition(source, "Ready")?["status"] as? String == "True"
        }
        #expect(try await Self.runs(serve, "beta", token: token).count == 1)

        // 7. SIGTERM: a clean stop.
        #expect(await serve.terminate())
        #expect(serve.exitStatus == 0, "\(serve.log)")

        // 8. Drift: both first parameters changed behind Terraform's back; alpha corrects, beta reports.
        _ = try await world.aws.json(["ssm", "put-parameter", "--name", "/alpha/first", "--value", "tampered", "--type", "String", "--overwrite"])
        _ = try await world.aws.json(["ssm", "put-parameter", "--name", "/beta/first", "--value", "tampered", "--type", "String", "--overwrite"])
        let drifting = try await ServeProcess.start(
            ["--repo", world.daemon.url("infra"), "--interval", "1h", "--drift-interval", "2s", "--data", "data"],
            in: world.folder, environment: world.environment, name: "drift")
        defer { drifting.kill() }
        #expect(drifting.printedToken == nil, "the token is printed once, on first start")
        try await drifting.waitUntil("beta's first unit to drift") {
            let status = try await Self.infrastructure(drifting, "beta", token: token)
            let unit = (status["units"] as? [[String: Any]])?.first { $0["name"] as? String == "first" }
            return Self.condition(unit, "Ready")?["reason"] as? String == "Drifted"
        }
        let betaDrifted = try await Self.infrastructure(drifting, "beta", token: token)
        #expect(Self.condition(betaDrifted, "Ready")?["reason"] as? String == "Drifted")
        let driftedUnit = (betaDrifted["units"] as? [[String: Any]])?.first { $0["name"] as? String == "first" }
        #expect((driftedUnit?["drift"] as? [String: Any])?["change"] as? Int == 1)
        try await drifting.waitUntil("alpha's drift to be corrected") {
            let runs = try await Self.runs(drifting, "alpha", token: token)
            return runs.contains { $0["trigger"] as? String == "drift" && $0["status"] as? String == "succeeded" }
        }
        #expect(try await world.parameter("/alpha/first") == "2")
        #expect(try await world.parameter("/beta/first") == "tampered")
        #expect(await drifting.terminate())
    }

    @Test("SIGTERM and kill -9 during an apply: the run is interrupted, retried, its own locks released, and completed")
    func killDuringApplyRecovers() async throws {
        let world = try await World.start { endpoint in
            [
                "terrace.yaml": "kind: Project\nname: crash\n",
                "modules/slow/main.tf": SlowModule.source(sleeping: 15),
                "infrastructures/gamma.yaml": """
                    kind: Infrastructure
                    name: gamma
                    cloud: {provider: aws, region: us-east-1, endpoint: "\(endpoint)"}
                    units:
                      - name: slow
                        module: ../modules/slow
                        inputs: {name: /gamma/slow}

                    """,
            ]
        }
        defer { world.stop() }
        let arguments = ["--repo", world.daemon.url("infra"), "--interval", "1h", "--drift-interval", "0", "--data", "data"]
        let bucket = "crash-gamma-tfstate"
        func keys() async throws -> [String] {
            try await world.aws.list(["s3api", "list-objects-v2", "--bucket", bucket], "Contents").compactMap { $0["Key"] as? String }
        }

        // 1. SIGTERM in the middle of the apply: Terraform gets SIGINT, stops and releases its lock; the run is interrupted.
        let stopped = try await ServeProcess.start(arguments, in: world.folder, environment: world.environment, name: "stopped")
        let token = try #require(stopped.printedToken)
        try await stopped.waitUntil("the slow unit to reach its wait") {
            (try? await world.parameter("/gamma/slow/before")) != nil
        }
        try await Task.sleep(for: .seconds(2))
        #expect(await stopped.terminate(timeout: 120))
        #expect(stopped.exitStatus == 0, "\(stopped.log)")
        let afterStop = try await keys()
        #expect(!afterStop.contains("terrace/gamma/terrace.lock"), "\(afterStop)")
        #expect(!afterStop.contains("gamma/slow/terraform.tfstate.tflock"), "\(afterStop)")
        #expect(try await world.parameter("/gamma/slow/after") == nil)

        // 2. The next start retries the interrupted run; kill -9 it (and Terraform with it) in the middle of its apply.
        let first = try await ServeProcess.start(arguments, in: world.folder, environment: world.environment, name: "first")
        try await first.waitUntil("the retry to reach Terraform's apply") {
            let runs = try await Self.runs(first, "gamma", token: token)
            let status = try await Self.infrastructure(first, "gamma", token: token)
            let phase = (status["units"] as? [[String: Any]])?.first { $0["name"] as? String == "slow" }?["phase"] as? String
            return runs.contains { $0["trigger"] as? String == "retry" && $0["status"] as? String == "running" } && phase == "apply"
        }
        let interruptedBySignal = try #require(try await Self.runs(first, "gamma", token: token).first { $0["status"] as? String == "interrupted" })
        #expect((interruptedBySignal["message"] as? String)?.contains("interrupted") == true)
        try await first.waitUntil("the retry to hold Terraform's state lock") {
            try await keys().contains("gamma/slow/terraform.tfstate.tflock")
        }
        try await Task.sleep(for: .seconds(3))
        first.kill()
        let afterKill = try await keys()
        #expect(afterKill.contains("terrace/gamma/terrace.lock"), "\(afterKill)")
        #expect(afterKill.contains("gamma/slow/terraform.tfstate.tflock"), "\(afterKill)")
        #expect(try await world.parameter("/gamma/slow/after") == nil)

        let second = try await ServeProcess.start(arguments, in: world.folder, environment: world.environment, name: "second")
        defer { second.kill() }
        var retry: [String: Any] = [:]
        try await second.waitUntil("the retried run to finish") {
            guard let run = try await Self.runs(second, "gamma", token: token).first(where: { $0["trigger"] as? String == "retry" }),
                run["status"] as? String != "running", run["status"] as? String != "interrupted"
            else { return false }
            retry = run
            return true
        }
        #expect(retry["status"] as? String == "succeeded", "\(retry)")
        let message = retry["message"] as? String ?? ""
        #expect(message.contains("released the locks left by interrupted run"), "\(message)")
        #expect(message.contains("Terraform state lock of `slow`"), "\(message)")
        let runs = try await Self.runs(second, "gamma", token: token)
        #expect(runs.filter { $0["status"] as? String == "interrupted" }.count == 2, "\(runs)")
        let killed = try #require(runs.first { $0["status"] as? String == "interrupted" && $0["trigger"] as? String == "retry" })
        #expect(killed["retriedBy"] as? String == retry["id"] as? String)
        #expect(interruptedBySignal["id"] as? String == (killed["retries"] as? [String])?.first)
        #expect(try await world.parameter("/gamma/slow/after") == "1")
        let after = try await world.aws.list(["s3api", "list-objects-v2", "--bucket", bucket], "Contents").compactMap { $0["Key"] as? String }
        #expect(!after.contains("terrace/gamma/terrace.lock"))
        #expect(!after.contains("gamma/slow/terraform.tfstate.tflock"))
        #expect(after.contains("terrace/gamma/record.json"))
        #expect(try await Self.isReady(second, "gamma", token: token))
        // The state is consistent: a drift check (terraform plan) finds nothing to change.
        #expect(await second.terminate())
        let checking = try await ServeProcess.start(
            ["--repo", world.daemon.url("infra"), "--interval", "1h", "--drift-interval", "1s", "--data", "data"],
            in: world.folder, environment: world.environment, name: "check")
        defer { checking.kill() }
        try await checking.waitUntil("a drift check") {
            try await Self.infrastructure(checking, "gamma", token: token)["lastDriftCheck"] != nil
        }
        let checked = try await Self.infrastructure(checking, "gamma", token: token)
        let unit = (checked["units"] as? [[String: Any]])?.first { $0["name"] as? String == "slow" }
        #expect(unit?["drift"] == nil, "\(checked)")
        #expect(Self.condition(checked, "Ready")?["status"] as? String == "True")
        #expect(await checking.terminate())
    }

    @Test("two replicas on one PostgreSQL never run the same infrastructure at once")
    func twoReplicasShareOnePostgres() async throws {
        let postgres = try await PostgresServer.shared()
        let database = try await postgres.createDatabase()
        let world = try await World.start { endpoint in
            [
                "terrace.yaml": "kind: Project\nname: replicas\n",
                "modules/param/main.tf": Self.paramModule,
                "infrastructures/delta.yaml": Self.manifest("delta", endpoint: endpoint),
                "infrastructures/epsilon.yaml": Self.manifest("epsilon", endpoint: endpoint),
            ]
        }
        defer { world.stop() }
        try "replica-shared-admin-token-0123456789".write(toFile: world.folder.path + "/token", atomically: true, encoding: .utf8)
        let secret = "replica-secret"
        var environment = world.environment
        environment["TERRACE_WEBHOOK_SECRET"] = secret
        func start(_ replica: String) async throws -> ServeProcess {
            try await ServeProcess.start(
                [
                    "--repo", world.daemon.url("infra"), "--interval", "2s", "--drift-interval", "0", "--data", "data-\(replica)",
                    "--database", database, "--admin-token-file", "token", "--replica-id", replica,
                ],
                in: world.folder, environment: environment, name: replica)
        }
        let one = try await start("one")
        defer { one.kill() }
        let two = try await start("two")
        defer { two.kill() }
        let token = "replica-shared-admin-token-0123456789"

        try await two.waitUntil("both infrastructures ready, seen from replica two") {
            let delta = try await Self.isReady(two, "delta", token: token)
            let epsilon = try await Self.isReady(two, "epsilon", token: token)
            return delta && epsilon
        }
        // Let both replicas poll a few more times: nothing more may run.
        try await Task.sleep(for: .seconds(5))
        for name in ["delta", "epsilon"] {
            let runs = try await Self.runs(one, name, token: token)
            #expect(runs.count == 1, "\(name): \(runs)")
            #expect(runs.allSatisfy { $0["status"] as? String == "succeeded" }, "\(runs)")
        }

        // A change announced to both replicas at once runs once.
        let changed = try await world.repo.commit(["infrastructures/delta.yaml": Self.manifest("delta", endpoint: world.moto.endpoint, value: "2")], message: "delta: 2")
        let (body, headers) = try await Self.signedPush(secret: secret, style: "github")
        async let first = one.request("POST", "/hooks/git", headers: headers, body: body)
        async let second = two.request("POST", "/hooks/git", headers: headers, body: body)
        #expect(try await first.0 == 202)
        #expect(try await second.0 == 202)
        try await one.waitUntil("delta applied at the new revision") {
            let status = try await Self.infrastructure(one, "delta", token: token)
            return status["lastAppliedRevision"] as? String == changed && Self.condition(status, "Ready")?["status"] as? String == "True"
        }
        try await Task.sleep(for: .seconds(3))
        let runs = try await Self.runs(two, "delta", token: token)
        let atChange = runs.filter { $0["revision"] as? String == changed }
        #expect(atChange.count == 1, "\(runs)")
        #expect(atChange.first?["status"] as? String == "succeeded")
        // No two runs of one infrastructure overlapped in time.
        let intervals = runs.compactMap { run -> (String, String)? in
            guard let start = run["startedAt"] as? String, let end = run["finishedAt"] as? String else { return nil }
            return (start, end)
        }.sorted { $0.0 < $1.0 }
        for (earlier, later) in zip(intervals, intervals.dropFirst()) {
            #expect(earlier.1 <= later.0, "\(intervals)")
        }
        #expect(Set(runs.compactMap { $0["replica"] as? String }).isSubset(of: ["one", "two"]))
        #expect(await one.terminate())
        #expect(await two.terminate())
    }
}
