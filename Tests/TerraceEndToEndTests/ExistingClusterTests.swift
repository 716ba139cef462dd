import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

/// An infrastructure on a cluster Terrace did not make, with no AWS at all: the real `terrace` binary reaches the
/// Kubernetes API test server through a kubeconfig whose user is an `exec` credential plugin (as `aws eks get-token`,
/// `gke-gcloud-auth-plugin` and `kubelogin` are), bootstraps Argo CD from a manifest kept in the repository, and
/// delivers an app.
@Suite("End to end: an existing cluster, no AWS", .serialized)
struct ExistingClusterTests {
    static let noAWS = [
        "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
    ]

    /// A repository with one infrastructure on the cluster at `kubeconfig`.
    static func repository(in folder: URL, kubeconfig: String, context: String) throws -> URL {
        let repo = folder.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("infrastructures"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: QuickstartWorkspace.argoCDManifest, to: repo.appendingPathComponent("infrastructures/argocd-install.yaml"))
        try "kind: Project\nname: onprem\n".write(to: repo.appendingPathComponent("terrace.yaml"), atomically: true, encoding: .utf8)
        try """
            kind: Infrastructure
            name: talos
            cloud: {provider: aws, region: eu-west-1}
            kubernetes:
              existing: {kubeconfig: \(kubeconfig), context: \(context)}
            addons:
              argocd: {manifest: ./argocd-install.yaml, sha256: \(ArgoCDInstall.defaultSHA256)}
            apps:
              - name: web
                chart: {repo: https://charts.example.com, name: web, version: 2.0.0}
                values: {replicas: 2}

            """.write(to: repo.appendingPathComponent("infrastructures/talos.yaml"), atomically: true, encoding: .utf8)
        return repo
    }

    /// A kubeconfig whose user runs an `exec` plugin script printing an ExecCredential with the server's token.
    static func execKubeconfig(_ server: KubernetesTestServer, in folder: URL) throws -> String {
        let plugin = folder.appendingPathComponent("get-token.sh")
        try """
            #!/bin/sh
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat \(server.directory.path)/token)"

            """.write(to: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: plugin.path)
        let text = server.kubeconfig().replacingOccurrences(
            of: "    token: \(server.token)\n",
            with: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin.path)\n      interactiveMode: Never\n")
        let path = folder.appendingPathComponent("kubeconfig").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("apply bootstraps Argo CD and the app through an exec plugin; again, nothing; a missing context is refused")
    func lifecycle() async throws {
        try await KubernetesTestServer.with(establishDelay: 0.1, simulateControllers: true) { server in
            let folder = try CommandRunner.scratchFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let kubeconfig = try Self.execKubeconfig(server, in: folder)
            #expect(!(try String(contentsOfFile: kubeconfig, encoding: .utf8)).contains(server.token))

            // A context that does not exist: a clear error, and nothing reaches the cluster.
            let wrong = try Self.repository(in: folder.appendingPathComponent("wrong"), kubeconfig: kubeconfig, context: "prod")
            let refused = try await CommandRunner.run(
                ["apply", "--auto-approve", "--state-dir", folder.appendingPathComponent("wrong-state").path, wrong.path],
                in: folder, environment: Self.noAWS)
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("✗ talos/argocd failed"), "\(refused.stdout)")
            #expect(refused.stdout.contains("`prod`"), "\(refused.stdout)")
            #expect(!server.log().contains("PATCH "), "nothing was applied")

            let repo = try Self.repository(in: folder, kubeconfig: kubeconfig, context: "test")
            let state = folder.appendingPathComponent("state").path
            // The plan reaches the cluster: a server-side dry run of what the argocd unit would apply.
            let plan = try await CommandRunner.run(["plan", "--state-dir", state, repo.path], in: folder, environment: Self.noAWS)
            #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
            #expect(plan.stdout.contains("+61 ~0 -0 objects"), "\(plan.stdout)")
            #expect(!server.log().contains("PATCH ") || server.log().split(separator: "\n").filter { $0.contains("PATCH ") }
                .allSatisfy { $0.contains("dryRun=All") }, "a plan writes nothing")
            let first = try await CommandRunner.run(["apply", "--auto-approve", "--state-dir", state, repo.path], in: folder, environment: Self.noAWS)
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            #expect(first.stdout.contains("✓ talos/argocd applied") && first.stdout.contains("✓ talos/web applied"), "\(first.stdout)")
            #expect(!(first.stdout + first.stderr).contains(server.token), "the plugin's token never shows")

            let outputs = try await CommandRunner.run(["output", "--state-dir", state, repo.path], in: folder, environment: Self.noAWS)
            #expect(outputs.stdout.contains("web.revision = \"2.0.0\""), "\(outputs.stdout)")
            #expect(outputs.stdout.contains("argocd.version = \"v3.5.1\""))

            let requests = server.log().split(separator: "\n").count
            let again = try await CommandRunner.run(["apply", "--auto-approve", "--state-dir", state, repo.path], in: folder, environment: Self.noAWS)
            #expect(again.status == 0)
            #expect(again.stdout.contains("No changes. 2 units unchanged"), "\(again.stdout)")
            #expect(server.log().split(separator: "\n").count == requests, "no Kubernetes request")

            // Values changed: the dry run shows the one Application that would change.
            let manifest = repo.appendingPathComponent("infrastructures/talos.yaml")
            try (try String(contentsOf: manifest, encoding: .utf8)).replacingOccurrences(of: "replicas: 2", with: "replicas: 3")
                .write(to: manifest, atomically: true, encoding: .utf8)
            let changed = try await CommandRunner.run(["plan", "--state-dir", state, repo.path], in: folder, environment: Self.noAWS)
            #expect(changed.status == 2)
            #expect(changed.stdout.contains("+0 ~1 -0 objects"), "\(changed.stdout)")

            let destroyed = try await CommandRunner.run(
                ["destroy", "--auto-approve", "--state-dir", state, repo.path], in: folder, environment: Self.noAWS)
            #expect(destroyed.status == 0, "\(destroyed.stdout)\n\(destroyed.stderr)")
            #expect(server.log().contains("DELETE /apis/argoproj.io/v1alpha1/namespaces/argocd/applications/web"))
            #expect(server.log().contains("DELETE /api/v1/namespaces/argocd"))
        }
    }
}
