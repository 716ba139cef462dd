import Foundation
import Testing
import TerraceTestSupport

/// `terrace serve` stops within its shutdown grace whatever is stuck, and a git that hangs blocks nothing.
@Suite(.serialized) struct ServeShutdownTests {
    /// A `terraform` on the PATH that ignores SIGINT and hangs in `apply` (writing its pid to `apply.pid`), and runs
    /// the real Terraform for everything else.
    static func stubbornTerraform(in folder: URL, environment: [String: String]) async throws -> String {
        let located = try await CommandRunner.runExecutable(
            "/bin/sh", ["-c", "command -v terraform"], in: folder, environment: environment)
        let real = located.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(located.status == 0 && !real.isEmpty, "terraform is not on the PATH")
        let bin = folder.appendingPathComponent("stubborn-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            if [ "$1" = apply ]; then
              trap '' INT TERM
              echo $$ > '\(folder.path)/apply.pid'
              exec sleep 100000
            fi
            exec '\(real)' "$@"

            """
        try script.write(toFile: bin.path + "/terraform", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.path + "/terraform")
        return bin.path
    }

    /// A `git` on the PATH that hangs in `fetch` (its `sleep` ignoring SIGINT and SIGTERM) and runs the real git
    /// for everything else.
    static func hangingGit(in folder: URL) throws -> String {
        let bin = folder.appendingPathComponent("hanging-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            for argument in "$@"; do
              if [ "$argument" = fetch ]; then
                trap '' INT TERM
                exec sleep 100001
              fi
            done
            exec /usr/bin/git "$@"

            """
        try script.write(toFile: bin.path + "/git", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.path + "/git")
        return bin.path
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    /// The processes below `pid` whose command line contains `text`.
    static func descendants(of pid: Int32, running text: String) -> [Int32] {
        ServeProcess.descendants(of: pid).filter { child in
            let data = FileManager.default.contents(atPath: "/proc/\(child)/cmdline") ?? Data()
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }

    @Test("bad limits are refused before anything starts, naming the flag", arguments: [
        (["--shutdown-grace", "soon"], "--shutdown-grace: `soon` is not a duration"),
        (["--shutdown-grace", "0"], "--shutdown-grace must be at least 1s"),
        (["--sync-stall-timeout", "10 minutes"], "--sync-stall-timeout: `10 minutes` is not a duration"),
        (["--git-timeout=-5s"], "--git-timeout: `-5s` is not a duration"),
        (["--keep-runs=-1"], "--keep-runs: `-1` is not a number of runs"),
        (["--keep-runs-for", "a month"], "--keep-runs-for: `a month` is not a duration"),
    ])
    func badLimitsAreRefused(flags: [String], message: String) async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await CommandRunner.run(
            ["serve", "--repo", "file://" + folder.path + "/none", "--data", "data", "--listen", "127.0.0.1:1"] + flags, in: folder)
        #expect(output.status != 0)
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/data/terrace.sqlite"))
    }

    @Test("the limits are read from the environment too: a bad TERRACE_SHUTDOWN_GRACE is refused")
    func limitsFromTheEnvironment() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await CommandRunner.run(
            ["serve", "--repo", "file://" + folder.path + "/none", "--data", "data", "--listen", "127.0.0.1:1"], in: folder,
            environment: ["TERRACE_SHUTDOWN_GRACE": "forever", "TERRACE_KEEP_RUNS": "10"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--shutdown-grace: `forever` is not a duration"), "\(output.stderr)")
    }

    /// A service applying `alpha` with a Terraform that ignores SIGINT and hangs in `apply`; returns it with the pid
    /// of the hanging Terraform.
    static func stuckApply(
        grace: String, in world: ServeLifecycleTests.World, replica: String
    ) async throws -> (serve: ServeProcess, applyPID: Int32) {
        var environment = world.environment
        let inherited = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let bin = try await Self.stubbornTerraform(in: world.folder, environment: environment)
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? inherited)
        let arguments = [
            "--repo", world.daemon.url("infra"), "--interval", "1h", "--drift-interval", "0", "--data", "data",
            "--shutdown-grace", grace, "--replica-id", replica,
        ]
        let serve = try await ServeProcess.start(arguments, in: world.folder, environment: environment)
        let pidFile = world.folder.appendingPathComponent("apply.pid").path
        try await serve.waitUntil("the apply to hang") { FileManager.default.fileExists(atPath: pidFile) }
        let applyPID = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isAlive(applyPID))
        return (serve, applyPID)
    }

    /// The statuses and messages of `alpha`'s runs in the service's SQLite database, one line each.
    static func recordedRuns(in world: ServeLifecycleTests.World) async throws -> String {
        let query = try await CommandRunner.runExecutable(
            "/usr/bin/env",
            ["python3", "-c", "import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); "
                + "[print(json.loads(b)['status'], json.loads(b).get('message','')) for (b,) in c.execute(\"SELECT body FROM terrace_runs WHERE infrastructure='alpha'\")]",
             world.folder.appendingPathComponent("data/terrace.sqlite").path],
            in: world.folder)
        #expect(query.status == 0, "\(query.stderr)")
        return query.stdout
    }

    static func stuckWorld() async throws -> ServeLifecycleTests.World {
        try await ServeLifecycleTests.World.start { endpoint in
            [
                "terrace.yaml": "kind: Project\nname: stuck\n",
                "modules/param/main.tf": ServeLifecycleTests.paramModule,
                "infrastructures/alpha.yaml": ServeLifecycleTests.manifest("alpha", endpoint: endpoint),
            ]
        }
    }

    @Test("SIGTERM during an apply whose Terraform ignores SIGINT: Terraform is killed within the grace, the run recorded")
    func aStubbornTerraformIsKilledWithinTheGrace() async throws {
        let world = try await Self.stuckWorld()
        defer { world.stop() }
        let (serve, applyPID) = try await Self.stuckApply(grace: "3s", in: world, replica: "stubborn-replica")
        defer { serve.kill() }

        // SIGTERM: Terraform gets SIGINT, which it ignores, then SIGKILL after the grace less 5 s (at least 1 s), so
        // the graceful stop still records the run before the 3 s deadline. The margin only keeps a broken build
        // from hanging the suite.
        #expect(await serve.terminate(timeout: 25), "\(serve.logTail)")
        #expect(serve.exitStatus == 0, "\(serve.logTail)")
        #expect(!serve.log.contains("stopped by force"), "\(serve.logTail)")
        try await ServeProcess.waitUntil("the stuck terraform to be killed", timeout: 10) { !Self.isAlive(applyPID) }
        let runs = try await Self.recordedRuns(in: world)
        #expect(runs.hasPrefix("interrupted "), "\(runs)")
    }

    @Test("a second SIGTERM during a stuck graceful stop forces it: run recorded, children killed, exit 124")
    func aSecondSignalForcesTheStop() async throws {
        let world = try await Self.stuckWorld()
        defer { world.stop() }
        // A 20 s grace: Terraform, ignoring SIGINT, would get SIGKILL only after 15 s; the second signal comes first.
        let (serve, applyPID) = try await Self.stuckApply(grace: "20s", in: world, replica: "forced-replica")
        defer { serve.kill() }

        kill(serve.pid, SIGTERM)
        try await serve.waitUntil("the graceful stop to begin", timeout: 30) { serve.log.contains("SIGTERM: stopping") }
        #expect(serve.isRunning)
        #expect(await serve.terminate(timeout: 25), "\(serve.logTail)")
        #expect(serve.exitStatus == 124, "\(serve.logTail)")
        let log = serve.log
        #expect(log.contains("a second signal (SIGTERM) arrived during the graceful stop"), "\(serve.logTail)")
        #expect(log.contains("stopped by force"), "\(serve.logTail)")
        // The stuck Terraform (in a session of its own) was killed with the service.
        try await ServeProcess.waitUntil("the stuck terraform to be killed", timeout: 10) { !Self.isAlive(applyPID) }

        // The run was recorded as interrupted by the forced stop: the next start retries it.
        let runs = try await Self.recordedRuns(in: world)
        #expect(runs.hasPrefix("interrupted "), "\(runs)")
        #expect(runs.contains("stopped by force"), "\(runs)")
    }

    @Test("a git fetch that hangs is killed at --git-timeout: the source is Stalled, the API answers, SIGTERM stops cleanly")
    func aHangingGitBlocksNothing() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try await GitWorkRepo.create(at: folder.path + "/origin", files: ["terrace.yaml": "kind: Project\nname: hang\n"])
        _ = repo
        let bin = try Self.hangingGit(in: folder)
        let inherited = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let environment = ["PATH": bin + ":" + inherited, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_EC2_METADATA_DISABLED": "true"]
        let arguments = [
            "--repo", "file://" + folder.path + "/origin", "--interval", "1h", "--drift-interval", "0", "--data", "data",
            "--git-timeout", "2s", "--shutdown-grace", "20s",
        ]
        let serve = try await ServeProcess.start(arguments, in: folder, environment: environment)
        defer { serve.kill() }
        let token = try #require(serve.printedToken, "\(serve.log)")

        // The fetch is killed at 2 s: the source says so, and is Stalled.
        var source: [String: Any] = [:]
        try await serve.waitUntil("the source to be Stalled", timeout: 60) {
            guard let found = try? await serve.api("/source", token: token) else { return false }
            source = found
            return ServeLifecycleTests.condition(found, "Stalled")?["status"] as? String == "True"
        }
        let message = ServeLifecycleTests.condition(source, "Stalled")?["message"] as? String ?? ""
        #expect(message.contains("git fetch did not finish within 2 s"), "\(message)")
        #expect(!message.contains("password"))

        // Meanwhile (fetches are retried and hang again) the API, liveness and metrics answer, and the hanging gits
        // do not pile up: at most one runs at a time.
        for _ in 0..<5 {
            #expect(try await serve.request("GET", "/api/v1/infrastructures", token: token).0 == 200)
            #expect(try await serve.request("GET", "/healthz").0 == 200)
            #expect(Self.descendants(of: serve.pid, running: "sleep 100001").count <= 1)
            try await Task.sleep(for: .milliseconds(500))
        }
        // Not ready: the source was never fetched.
        #expect(try await serve.request("GET", "/readyz").0 == 503)

        // SIGTERM: the hanging fetch is cancelled (its process group killed) and the service stops cleanly.
        #expect(await serve.terminate(timeout: 60), "\(serve.logTail)")
        #expect(serve.exitStatus == 0, "\(serve.logTail)")
        #expect(!serve.log.contains("stopped by force"), "\(serve.logTail)")
    }
}
