import Foundation
import TerraceCore
import TerraceKubernetes
import TerraceTestSupport
import Testing

/// The container image (`scripts/build-image.sh`, or the `Dockerfile`) run with podman: on the host's network against
/// moto, a git daemon and the Kubernetes API test server on loopback, with a read-only root file system, the image's
/// own user, the data folder on a host folder mounted as its volume, and the offline Terraform provider mirror and
/// Terraform CLI configuration mounted read-only.
///
/// It runs only when `TERRACE_TEST_IMAGE` names a built image (`scripts/test.sh` builds one with
/// `scripts/build-image.sh` first); otherwise each test is skipped and Swift Testing prints the reason below.
@Suite("The container image, run with podman", .serialized, .timeLimit(.minutes(30)))
struct ImageTests {
    static let skipReason: Comment = """
        skipped: TERRACE_TEST_IMAGE names no built image, so nothing ran in a container. Not checked: the bundled \
        example reconciled to Ready inside the image, its API, the non-root user and read-only root file system, the \
        probe command and labels, and `podman stop` during an apply then a restart. To run it: \
        `sudo bash scripts/build-image.sh` (podman, buildah, debootstrap), then TERRACE_TEST_IMAGE=localhost/terrace:dev.
        """

    /// Where the test mounts its read-only files (kubeconfig, admin token, Terraform CLI configuration) and the
    /// provider mirror in the container.
    static let configMount = "/etc/terrace"
    static let mirrorMount = "/opt/terraform-mirror"

    /// A scratch folder with the data folder (owned by the image's user, 10001) and the read-only files.
    struct Mounts {
        let folder: URL
        let data: URL
        let config: URL
        let token = "image-test-admin-token-0123456789abcdef"

        init() throws {
            folder = try CommandRunner.scratchFolder()
            data = folder.appendingPathComponent("data")
            config = folder.appendingPathComponent("config")
            for url in [data, config] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
            guard let mirror = TerraformHarness.findMirror() else {
                throw HarnessError("no offline Terraform provider mirror found (looked in \(TerraformHarness.mirrorCandidates))")
            }
            self.mirror = mirror
            // The provider mirror as the container sees it; no plugin cache here: Terrace's is on the data volume.
            try """
                provider_installation {
                  filesystem_mirror {
                    path    = "\(ImageTests.mirrorMount)"
                    include = ["registry.terraform.io/hashicorp/*"]
                  }
                  direct {
                    exclude = ["registry.terraform.io/hashicorp/*"]
                  }
                }

                """.write(to: config.appendingPathComponent("cli.tfrc"), atomically: true, encoding: .utf8)
            try token.write(to: config.appendingPathComponent("admin-token"), atomically: true, encoding: .utf8)
        }

        let mirror: String

        /// Makes a file readable by the container's user (the harness writes kubeconfigs 0600).
        func readable(_ name: String) throws {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config.appendingPathComponent(name).path)
        }

        /// Hands the data folder to uid and gid 10001, as a volume's owner would be.
        func chownData() async throws {
            let output = try await CommandRunner.runExecutable("/usr/bin/env", ["chown", "-R", "10001:10001", data.path], in: folder)
            guard output.status == 0 else { throw HarnessError("chown failed: \(output.stderr)") }
        }

        /// The `podman run` options: volumes, Terraform and AWS settings, the admin token file.
        func options(aws: [String: String], extra: [String: String] = [:]) -> [String] {
            var options = [
                "-v", "\(data.path):/var/lib/terrace", "-v", "\(config.path):\(ImageTests.configMount):ro",
                "-v", "\(mirror):\(ImageTests.mirrorMount):ro",
            ]
            let environment = aws.merging([
                "AWS_EC2_METADATA_DISABLED": "true", "TF_CLI_CONFIG_FILE": "\(ImageTests.configMount)/cli.tfrc",
                "TERRACE_ADMIN_TOKEN_FILE": "\(ImageTests.configMount)/admin-token",
            ]) { _, new in new }.merging(extra) { _, new in new }
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) { options += ["-e", "\(name)=\(value)"] }
            return options
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func containerName(_ purpose: String) -> String { "terrace-test-\(purpose)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Every file of `examples/quickstart`, by relative path, with the AWS endpoint replaced by `endpoint`.
    static func quickstartFiles(endpoint: String) throws -> [String: String] {
        let base = QuickstartWorkspace.exampleFolder
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: base.path)
        while let relative = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            let path = base.appendingPathComponent(relative).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[relative] = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "http://127.0.0.1:5000", with: endpoint)
        }
        return files
    }

    @Test(
        "the bundled example reconciles to Ready in the image; the API answers; non-root, read-only root, probes, labels",
        .enabled(if: PodmanContainer.imageUnderTest != nil, skipReason))
    func quickstartReadyInTheImage() async throws {
        let image = try #require(PodmanContainer.imageUnderTest)
        try await MotoServer.with { moto in
            try await KubernetesTestServer.with(
                establishDelay: 0.1, simulateControllers: true, acceptEKSTokens: true, chartCRDs: try KubernetesTestServer.addonChartCRDs()
            ) { cluster in
                let mounts = try Mounts()
                defer { mounts.remove() }
                _ = try await GitWorkRepo.create(at: mounts.folder.path + "/git/quickstart", files: try Self.quickstartFiles(endpoint: moto.endpoint))
                let daemon = try await GitDaemon.start(basePath: mounts.folder.path + "/git")
                defer { daemon.stop() }
                _ = try cluster.writeKubeconfig(to: mounts.config.appendingPathComponent("kubeconfig").path)
                try mounts.readable("kubeconfig")
                // No internet: Argo CD's pinned install manifest is seeded where the service looks first.
                let manifests = mounts.data.appendingPathComponent("manifests")
                try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    at: QuickstartWorkspace.argoCDManifest, to: manifests.appendingPathComponent("\(ArgoCDInstall.defaultSHA256).yaml"))
                try await mounts.chownData()

                let container = try await PodmanContainer.run(
                    image: image, name: Self.containerName("quickstart"), port: try MotoServer.freePort(),
                    options: mounts.options(
                        aws: moto.environment, extra: ["TERRACE_EMULATED_CLUSTER_KUBECONFIG": "\(Self.configMount)/kubeconfig"]),
                    command: ["serve", "--repo", daemon.url("quickstart"), "--interval", "1h", "--drift-interval", "0"])
                do {
                    try await Self.checkQuickstart(container, mounts: mounts, image: image, aws: AWSCLI(server: moto))
                } catch {
                    await container.remove()
                    throw error
                }
                await container.remove()
            }
        }
    }

    static func checkQuickstart(_ container: PodmanContainer, mounts: Mounts, image: String, aws: AWSCLI) async throws {
        let token = mounts.token
        try await container.waitUntilReady()

        // Non-root, read-only root file system, writable data volume.
        let uid = try await container.exec(["id", "-u"])
        #expect(uid.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "10001", "\(uid.stderr)")
        #expect(try await container.inspect("{{.Config.User}}") == "10001:10001")
        for path in ["/x", "/usr/local/bin/terrace", "/etc/passwd-new"] {
            let touch = try await container.exec(["touch", path])
            #expect(touch.status != 0, "\(path) is writable")
            #expect(touch.stderr.contains("Read-only file system") || touch.stderr.contains("Permission denied"), "\(touch.stderr)")
        }
        let rootTouch = try await container.exec(["touch", "/x"])
        #expect(rootTouch.stderr.contains("Read-only file system"), "\(rootTouch.stderr)")
        #expect(try await container.exec(["touch", "/var/lib/terrace/writable"]).status == 0)
        #expect(try await container.inspect("{{.HostConfig.ReadonlyRootfs}}") == "true")
        // The image's probe command (its HEALTHCHECK) answers for both probes.
        #expect(try await container.exec(["/usr/local/bin/terrace-probe", "/healthz"]).status == 0)
        #expect(try await container.exec(["/usr/local/bin/terrace-probe", "/readyz"]).status == 0)
        #expect(try await container.exec(["/usr/local/bin/terrace-probe", "/no-such-probe"]).status != 0)
        // The image's HEALTHCHECK is that command, in exec form, and podman runs it healthy.
        let healthcheck = try await PodmanContainer.podmanChecked(["image", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", image])
        #expect(healthcheck.trimmingCharacters(in: .whitespacesAndNewlines) == #"["CMD","/usr/local/bin/terrace-probe","/healthz"]"#)
        let health = try await PodmanContainer.podman(["healthcheck", "run", container.name])
        #expect(health.status == 0, "\(health.stdout)\(health.stderr)")
        // OCI labels.
        let labels = try await PodmanContainer.podmanChecked(["image", "inspect", "--format", "{{json .Labels}}", image])
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(labels.utf8)) as? [String: String], "\(labels)")
        for label in ["version", "revision", "source", "created", "title"] {
            #expect(decoded["org.opencontainers.image.\(label)"]?.isEmpty == false, "org.opencontainers.image.\(label) in \(decoded)")
        }
        // Tools the service runs are in the image.
        #expect(try await container.exec(["git", "--version"]).status == 0)
        #expect(try await container.exec(["ssh", "-V"]).status == 0)
        #expect(try await container.exec(["terraform", "version"]).status == 0)

        // The API: refused without the token, answering with the mounted one.
        #expect(try await container.request("GET", "/api/v1/infrastructures").0 == 401)
        #expect(try await container.request("GET", "/api/v1/infrastructures", token: "trc_wrong").0 == 401)

        // The bundled example reconciles to Ready.
        try await container.waitUntil("the quickstart's infrastructure `demo` to be Ready", timeout: 1_200) {
            if let failed = try await ServeLifecycleTests.runs(container, "demo", token: token).first(where: { $0["status"] as? String == "failed" }) {
                throw HarnessError("a run of demo failed: \(failed)")
            }
            return try await ServeLifecycleTests.isReady(container, "demo", token: token)
        }
        let listed = try await container.api("/infrastructures", token: token)
        let names = ((listed["infrastructures"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(names == ["demo"], "\(listed)")
        let runs = try await ServeLifecycleTests.runs(container, "demo", token: token)
        #expect(runs.count == 1 && runs.first?["status"] as? String == "succeeded", "\(runs)")
        let status = try await ServeLifecycleTests.infrastructure(container, "demo", token: token)
        let units = ((status["units"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        for unit in ["backend", "network", "domain", "kubernetes", "addons", "argocd", "podinfo", "guestbook", "assets"] {
            #expect(units.contains(unit), "\(unit) in \(units)")
        }
        let keys = try await aws.list(["s3api", "list-objects-v2", "--bucket", "quickstart-demo-tfstate"], "Contents")
            .compactMap { $0["Key"] as? String }
        #expect(keys.contains("terrace/demo/record.json"), "\(keys)")
        #expect(!keys.contains("terrace/demo/terrace.lock"), "\(keys)")
        #expect(try await aws.strings(["eks", "list-clusters"], "clusters") == ["demo"])
        // State and caches went to the data volume: the SQLite database and Terraform's plugin cache.
        let data = try await container.exec(["ls", "-A", "/var/lib/terrace"])
        #expect(!data.stdout.isEmpty, "\(data.stderr)")

        // SIGTERM: a clean stop.
        try await container.stop(timeout: 40)
        let tail = await container.logTail()
        #expect(try await container.exitCode() == 0, "\(tail)")
    }

    @Test(
        "podman stop during an apply: the run is interrupted, the locks released; the restarted container retries it",
        .enabled(if: PodmanContainer.imageUnderTest != nil, skipReason))
    func stopDuringApplyThenRestart() async throws {
        let image = try #require(PodmanContainer.imageUnderTest)
        try await MotoServer.with { moto in
            let mounts = try Mounts()
            defer { mounts.remove() }
            _ = try await GitWorkRepo.create(
                at: mounts.folder.path + "/git/infra",
                files: [
                    "terrace.yaml": "kind: Project\nname: boxed\n",
                    "modules/slow/main.tf": SlowModule.source(sleeping: 20),
                    "infrastructures/gamma.yaml": """
                        kind: Infrastructure
                        name: gamma
                        cloud: {provider: aws, region: us-east-1, endpoint: "\(moto.endpoint)"}
                        units:
                          - name: slow
                            module: ../modules/slow
                            inputs: {name: /gamma/slow}

                        """,
                ])
            let daemon = try await GitDaemon.start(basePath: mounts.folder.path + "/git")
            defer { daemon.stop() }
            try await mounts.chownData()
            let aws = AWSCLI(server: moto)
            let token = mounts.token
            let bucket = "boxed-gamma-tfstate"
            func keys() async throws -> [String] {
                try await aws.list(["s3api", "list-objects-v2", "--bucket", bucket], "Contents").compactMap { $0["Key"] as? String }
            }
            func parameter(_ name: String) async -> String? {
                let object = try? await aws.json(["ssm", "get-parameter", "--name", name]) as? [String: Any]
                return (object?["Parameter"] as? [String: Any])?["Value"] as? String
            }

            let container = try await PodmanContainer.run(
                image: image, name: Self.containerName("stop"), port: try MotoServer.freePort(), options: mounts.options(aws: moto.environment),
                command: ["serve", "--repo", daemon.url("infra"), "--interval", "1h", "--drift-interval", "0"])
            do {
                try await container.waitUntilReady()
                // 1. podman stop in the middle of the apply (after the first parameter, inside the wait).
                try await container.waitUntil("the slow unit to reach its wait") {
                    await parameter("/gamma/slow/before") != nil
                }
                try await container.waitUntil("Terraform's state lock to be held") { try await keys().contains("gamma/slow/terraform.tfstate.tflock") }
                #expect(try await keys().contains("terrace/gamma/terrace.lock"))
                try await Task.sleep(for: .seconds(2))
                try await container.stop(timeout: 40)
                #expect(try await container.state() == "exited")
                let tail = await container.logTail()
                #expect(try await container.exitCode() == 0, "SIGTERM, not SIGKILL, ended it:\n\(tail)")
                let afterStop = try await keys()
                #expect(!afterStop.contains("terrace/gamma/terrace.lock"), "\(afterStop)")
                #expect(!afterStop.contains("gamma/slow/terraform.tfstate.tflock"), "\(afterStop)")
                #expect(await parameter("/gamma/slow/after") == nil)

                // 2. The same container started again: the interrupted run is recorded and retried to Ready.
                try await container.start()
                try await container.waitUntilReady()
                var retry: [String: Any] = [:]
                try await container.waitUntil("the retried run to finish") {
                    guard let run = try await ServeLifecycleTests.runs(container, "gamma", token: token).first(where: { $0["trigger"] as? String == "retry" }),
                        run["status"] as? String != "running"
                    else { return false }
                    retry = run
                    return true
                }
                #expect(retry["status"] as? String == "succeeded", "\(retry)")
                let runs = try await ServeLifecycleTests.runs(container, "gamma", token: token)
                let interrupted = runs.filter { $0["status"] as? String == "interrupted" }
                #expect(interrupted.count == 1, "\(runs)")
                #expect((interrupted.first?["message"] as? String)?.contains("interrupted") == true, "\(interrupted)")
                #expect(interrupted.first?["retriedBy"] as? String == retry["id"] as? String, "\(runs)")
                #expect(try await ServeLifecycleTests.isReady(container, "gamma", token: token))
                #expect(await parameter("/gamma/slow/after") == "1")
                let after = try await keys()
                #expect(!after.contains("terrace/gamma/terrace.lock"), "\(after)")
                #expect(!after.contains("gamma/slow/terraform.tfstate.tflock"), "\(after)")
                #expect(after.contains("terrace/gamma/record.json"), "\(after)")
                try await container.stop(timeout: 40)
                #expect(try await container.exitCode() == 0)
            } catch {
                await container.remove()
                throw error
            }
            await container.remove()
        }
    }
}
