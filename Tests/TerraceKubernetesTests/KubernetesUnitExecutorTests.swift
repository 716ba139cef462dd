import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// The `argocd` unit and apps through ``KubernetesUnitExecutor`` against the Kubernetes API test server acting as a
/// cluster's controllers, with Argo CD's real v3.5.1 install manifest served over loopback.
@Suite(.serialized) struct KubernetesUnitExecutorTests {
    static let fixtureDirectory = URL(fileURLWithPath: ArgoCDBootstrapTests.fixturePath).deletingLastPathComponent().path
    static let fast = KubernetesUnitSettings(
        argoCDReadyTimeout: .seconds(120), crdTimeout: .seconds(120), deletionTimeout: .seconds(120), pollInterval: .milliseconds(100))

    struct Context {
        let server: KubernetesTestServer
        let files: StaticFileServer
        let executor: KubernetesUnitExecutor
        let kubeconfig: String
        let root: String

        func job(_ kind: KubernetesUnitKind, _ unit: String, _ inputs: [String: Value], inventory: [String] = []) -> UnitJob {
            UnitJob(
                runID: "test", infrastructure: "onprem", unit: unit, module: kind.module(repositoryRoot: root), inputs: inputs,
                cloud: CloudSettings(region: "eu-west-1"), backend: BackendSettings(bucket: "unused"),
                existingCluster: ExistingCluster(kubeconfig: kubeconfig, context: "test", location: SourceLocation(file: "x")),
                inventory: inventory)
        }

        func argocd(sha256: String = ArgoCDInstall.defaultSHA256, access: [String: Value] = [:], inventory: [String] = []) -> UnitJob {
            job(.argocd, "argocd", [
                "version": "v3.5.1", "manifest": .string(files.url("install.yaml")), "sha256": .string(sha256), "namespace": "argocd",
                "addons": ["argocd", "keycloak"], "cluster_name": "onprem",
            ].merging(access) { _, new in new }, inventory: inventory)
        }

        func app(_ name: String, values: Value = .null, timeout: Int = 20, inventory: [String] = []) -> UnitJob {
            job(.app, name, [
                "name": .string(name), "namespace": .string(name), "argocd_namespace": "argocd", "timeout_seconds": .number(Number(timeout)),
                "chart": ["repo": "https://charts.example.com", "name": .string(name), "version": "1.2.3"], "values": values,
            ], inventory: inventory)
        }

        func client<T>(_ body: (KubernetesClient) async throws -> T) async throws -> T {
            let config = try KubeConfig.load(path: kubeconfig)
            return try await KubernetesClient.withClient(try config.connection(context: "test")) { try await body($0) }
        }

        /// The object as the server has it now, or nil.
        func get(_ reference: ObjectReference) async throws -> Value? {
            try await client { client in try await client.get(reference) }
        }
    }

    static func with(_ body: (Context) async throws -> Void) async throws {
        try await KubernetesTestServer.with(establishDelay: 0.1, simulateControllers: true, acceptEKSTokens: true) { server in
            try await StaticFileServer.with(directory: fixtureDirectory) { files in
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("executor-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: root) }
                let executor = KubernetesUnitExecutor(settings: fast, manifests: InstallManifestFetcher())
                try await body(Context(server: server, files: files, executor: executor, kubeconfig: try server.writeKubeconfig(), root: root))
            }
        }
    }

    @Test("argocd: bootstrapped, available, recorded; a second apply writes nothing; a dry run sees no change, then drift")
    func argoCD() async throws {
        try await Self.with { (context: Context) async throws in
            let outputs = try await context.executor.apply(context.argocd()) { _ in }
            #expect(outputs.values == ["namespace": "argocd", "version": "v3.5.1", "url": .null])
            let inventory = try #require(outputs.inventory)
            #expect(inventory.count == 61)
            #expect(inventory.first == "v1 Namespace argocd")
            #expect(inventory.last == "v1 Secret argocd/in-cluster")
            try await context.client { client in
                let secret = try #require(try await client.get(ObjectReference(apiVersion: "v1", kind: "Secret", namespace: "argocd", name: "in-cluster")))
                #expect(secret["metadata"]?["labels"]?["enable_keycloak"] == "true")
                let server = try #require(try await client.get(ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "argocd", name: "argocd-server")))
                #expect(server.condition("Available")?["status"] == "True", "the simulated controller made it available")
                let before = try await ArgoCDBootstrapTests.probeVersion(client, "probe-1")
                _ = try await context.executor.apply(context.argocd(inventory: inventory)) { _ in }
                let after = try await ArgoCDBootstrapTests.probeVersion(client, "probe-2")
                #expect(after == before + 1, "the second apply changed nothing")

                #expect(try await context.executor.plan(context.argocd(inventory: inventory)) { _ in } == ResourceSummary())
                // Someone edits a Terrace-owned field: the dry run shows one object to change.
                let patch: Value = .map(["data": .map([ArgoCDInstall.applicationHealthKey: "-- edited"])])
                let edited = try await client.sendChecked(
                    .PATCH, "/api/v1/namespaces/argocd/configmaps/argocd-cm", query: [("fieldManager", "kubectl-edit")],
                    body: Array(patch.canonicalJSON.utf8), contentType: "application/merge-patch+json", object: nil, action: "edit")
                #expect(edited.status == 200)
                #expect(try await context.executor.plan(context.argocd(inventory: inventory)) { _ in } == ResourceSummary(change: 1))
            }

            // Destroy deletes every object it recorded, waiting until each is gone.
            try await context.executor.destroy(context.argocd(inventory: inventory)) { _ in }
            #expect(try await context.get(ObjectReference(apiVersion: "v1", kind: "Namespace", name: "argocd")) == nil)
            #expect(try await context.get(ObjectReference(
                apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "applications.argoproj.io")) == nil)
        }
    }

    @Test("objects the unit no longer renders (an upgrade that drops one) are deleted, and only those")
    func pruning() async throws {
        try await Self.with { (context: Context) async throws in
            let outputs = try await context.executor.apply(context.argocd()) { _ in }
            let inventory = try #require(outputs.inventory)
            // What an older version had and this one has not: recorded, present in the cluster, no longer rendered.
            let stale: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "argocd-old-settings", "namespace": "argocd"]]
            try await context.client { client in _ = try await client.apply(stale) }
            let previous = inventory + ["v1 ConfigMap argocd/argocd-old-settings"]
            let again = try await context.executor.apply(context.argocd(inventory: previous)) { _ in }
            #expect(again.inventory == inventory)
            #expect(try await context.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: "argocd-old-settings")) == nil)
            #expect(try await context.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: "argocd-cm")) != nil)
        }
    }

    @Test("Argo CD's URL and SSO: the Ingress passes Kubernetes' strict schema, the ConfigMaps are set; without them, all is undone")
    func access() async throws {
        try await Self.with { (context: Context) async throws in
            let access: [String: Value] = [
                "url": "https://argocd.dev.example.com", "tls_issuer": "letsencrypt",
                "oidc": ["issuer": "https://keycloak.dev.example.com/realms/dev", "client_id": "argocd", "client_secret": "$argocd-oidc:clientSecret"],
            ]
            let outputs = try await context.executor.apply(context.argocd(access: access)) { _ in }
            #expect(outputs.values["url"] == "https://argocd.dev.example.com")
            let inventory = try #require(outputs.inventory)
            #expect(inventory.count == 62)
            #expect(inventory.contains("networking.k8s.io/v1 Ingress argocd/argocd-server"))
            // The server validated it against Kubernetes' schema (kubernetes-validate's strict set) and kept it.
            let ingressReference = ObjectReference(apiVersion: "networking.k8s.io/v1", kind: "Ingress", namespace: "argocd", name: "argocd-server")
            let ingress = try #require(try await context.get(ingressReference))
            #expect(ingress["spec"]?["rules"]?.listValue?.first?["host"] == "argocd.dev.example.com")
            #expect(ingress["spec"]?["rules"]?.listValue?.first?["http"]?["paths"]?.listValue?.first?["backend"]
                == ["service": ["name": "argocd-server", "port": ["name": "http"]]])
            #expect(ingress["spec"]?["tls"] == [["hosts": ["argocd.dev.example.com"], "secretName": "argocd-server-tls"]])
            #expect(ingress["metadata"]?["annotations"]?["cert-manager.io/cluster-issuer"] == "letsencrypt")
            func configMap(_ name: String) async throws -> Value? {
                try await context.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: name))
            }
            #expect(try await configMap("argocd-cm")?["data"]?["url"] == "https://argocd.dev.example.com")
            #expect(try await configMap("argocd-cm")?["data"]?["oidc.config"]?.stringValue?.contains("clientSecret: \"$argocd-oidc:clientSecret\"") == true)
            #expect(try await configMap("argocd-rbac-cm")?["data"] == ["policy.csv": "g, admins, role:admin", "scopes": "[groups]"])
            #expect(try await configMap("argocd-cmd-params-cm")?["data"] == ["server.insecure": "true"])
            #expect(try await context.executor.plan(context.argocd(access: access, inventory: inventory)) { _ in } == ResourceSummary())

            // The same Ingress with a field Kubernetes does not know is refused: the schema check is real.
            let data = try #require(FileManager.default.contents(atPath: ArgoCDBootstrapTests.fixturePath))
            let install = try ArgoCDInstall(
                manifest: Array(data), version: "v3.5.1", sha256: ArgoCDInstall.defaultSHA256,
                access: try ArgoCDInstall.Access(inputs: access))
            let rendered = try #require(install.resources.first { $0["kind"] == "Ingress" })
            let misspelt = rendered.setting("spec", to: (rendered["spec"] ?? .null).setting("tlss", to: []))
            await #expect {
                try await context.client { client in _ = try await client.apply(misspelt) }
            } throws: { error in
                ((error as? KubernetesError)?.message ?? "").contains("tlss")
            }

            // Without a URL: the Ingress is pruned, and Terrace's keys leave the ConfigMaps.
            let plain = try await context.executor.apply(context.argocd(inventory: inventory)) { _ in }
            #expect(plain.values["url"] == .null)
            #expect(plain.inventory?.count == 61)
            #expect(try await context.get(ingressReference) == nil)
            #expect(try await configMap("argocd-cm")?["data"]?["url"] == nil)
            #expect(try await configMap("argocd-cm")?["data"]?["oidc.config"] == nil)
            #expect(try await configMap("argocd-rbac-cm")?["data"]?["policy.csv"] == nil)
            #expect(try await configMap("argocd-cmd-params-cm")?["data"]?["server.insecure"] == nil)
        }
    }

    @Test("a manifest whose checksum does not match is refused before anything is applied")
    func checksum() async throws {
        try await Self.with { (context: Context) async throws in
            let wrong = String(repeating: "0", count: 64)
            await #expect {
                _ = try await context.executor.apply(context.argocd(sha256: wrong)) { _ in }
            } throws: { error in
                let failure = error as? UnitFailure
                return failure?.message.contains("has SHA-256 \(ArgoCDInstall.defaultSHA256), but \(wrong) is expected; nothing was applied") == true
            }
            #expect(try await context.get(ObjectReference(apiVersion: "v1", kind: "Namespace", name: "argocd")) == nil)
        }
    }

    @Test("apps: Synced and Healthy with the revision; Degraded and SyncError fail at once naming the app; destroy cascades")
    func apps() async throws {
        try await Self.with { (context: Context) async throws in
            _ = try await context.executor.apply(context.argocd()) { _ in }
            let web = try await context.executor.apply(context.app("web", values: ["replicas": 2])) { _ in }
            #expect(web.values == ["revision": "1.2.3", "health": "Healthy", "sync_status": "Synced"])
            #expect(web.inventory == ["argoproj.io/v1alpha1 Application argocd/web"])
            #expect(try await context.executor.plan(context.app("web", values: ["replicas": 2], inventory: web.inventory ?? [])) { _ in }
                == ResourceSummary())
            #expect(try await context.executor.plan(context.app("web", values: ["replicas": 3], inventory: web.inventory ?? [])) { _ in }
                == ResourceSummary(change: 1))

            for simulated in ["Degraded", "SyncError"] {
                await #expect {
                    _ = try await context.executor.apply(context.app("broken", values: ["simulate": .string(simulated)])) { _ in }
                } throws: { error in
                    let failure = error as? UnitFailure
                    let message = failure?.message ?? ""
                    // What it applied is handed back, so the record keeps it for removal and destroy.
                    return message.contains("app `broken` failed: \(simulated)") && message.contains("Application argocd/broken")
                        && failure?.phase == .wait && failure?.inventory == ["argoproj.io/v1alpha1 Application argocd/broken"]
                }
            }
            await #expect {
                _ = try await context.executor.apply(context.app("slow", values: ["simulate": "Progressing"], timeout: 1)) { _ in }
            } throws: { error in
                ((error as? UnitFailure)?.message ?? "").contains("not Synced and Healthy after 1.0 seconds")
            }

            try await context.executor.destroy(context.app("web", inventory: web.inventory ?? [])) { _ in }
            #expect(try await context.get(
                ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: "argocd", name: "web")) == nil)
        }
    }

    @Test("a cluster Terrace made: reached with an EKS token for the identity that runs Terrace")
    func eksToken() async throws {
        try await Self.with { (context: Context) async throws in
            var job = context.app("web")
            job.existingCluster = nil
            job.inputs["cluster_endpoint"] = .string(context.server.url)
            job.inputs["cluster_ca_data"] = .string(Data(context.server.caCertificatePEM.utf8).base64EncodedString())
            job.inputs["cluster_name"] = "prod"
            let executor = KubernetesUnitExecutor(
                settings: Self.fast, environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-never-shown"])
            // Argo CD is not there: the apply is refused by the API (no Application kind), which it reached with the token.
            await #expect {
                _ = try await executor.apply(job) { _ in }
            } throws: { error in
                let message = (error as? UnitFailure)?.message ?? ""
                return !message.contains("Unauthorized") && !message.contains("secret-never-shown") && message.contains("Application")
            }
            let summary = try await executor.plan(job) { _ in }
            #expect(summary == ResourceSummary(add: 1))
        }
    }

    @Test("a cluster made on an AWS emulator is never contacted at its endpoint without a stand-in")
    func emulatedCluster() async throws {
        var job = UnitJob(
            runID: "test", infrastructure: "demo", unit: "web", module: KubernetesUnitKind.app.module(repositoryRoot: "/tmp"),
            inputs: ["cluster_name": "demo", "cluster_endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com"],
            cloud: CloudSettings(region: "us-east-1", endpoint: "http://127.0.0.1:5000"), backend: BackendSettings(bucket: "b"))
        let executor = KubernetesUnitExecutor(settings: Self.fast, environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"])
        #expect(throws: KubernetesError.self) { _ = try executor.connection(for: job) }
        do {
            _ = try executor.connection(for: job)
        } catch {
            #expect(error.message.contains("AWS emulator") && error.hint?.contains("TERRACE_EMULATED_CLUSTER_KUBECONFIG") == true)
        }
        job.cloud.endpoint = nil
        #expect(try executor.connection(for: job).endpoint.server == "https://ABC.gr7.us-east-1.eks.amazonaws.com")
    }

    @Test("an unreachable cluster and a missing context are clear errors, and nothing is applied")
    func unreachable() async throws {
        try await Self.with { (context: Context) async throws in
            var job = context.app("web")
            job.existingCluster?.context = "prod"
            await #expect {
                _ = try await context.executor.apply(job) { _ in }
            } throws: { error in
                ((error as? UnitFailure)?.message ?? "").contains("`prod`")
            }
            let closed = try MotoServer.freePort()
            let path = context.root + "/down.kubeconfig"
            try context.server.kubeconfig().replacingOccurrences(of: context.server.url, with: "https://127.0.0.1:\(closed)")
                .write(toFile: path, atomically: true, encoding: .utf8)
            job.existingCluster = ExistingCluster(kubeconfig: path, context: "test", location: SourceLocation(file: "x"))
            let quick = KubernetesUnitExecutor(settings: Self.fast, retry: .none)
            await #expect {
                _ = try await quick.apply(job) { _ in }
            } throws: { error in
                ((error as? UnitFailure)?.message ?? "").contains("127.0.0.1:\(closed)")
            }
        }
    }
}
