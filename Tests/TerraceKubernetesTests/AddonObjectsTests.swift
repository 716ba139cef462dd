import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// An addon's objects beside its Application, through ``KubernetesUnitExecutor`` against the test server acting as a
/// cluster's controllers and installing each synced chart's real CRDs (from ../shared/fixtures/crds): prerequisites
/// before the Application, objects once its chart's kinds are served, each waited for until ready.
@Suite(.serialized) struct AddonObjectsTests {
    static func with(_ body: (KubernetesUnitExecutorTests.Context) async throws -> Void) async throws {
        try await KubernetesTestServer.with(
            establishDelay: 0.1, simulateControllers: true, chartCRDs: try KubernetesTestServer.addonChartCRDs()
        ) { server in
            try await StaticFileServer.with(directory: KubernetesUnitExecutorTests.fixtureDirectory) { files in
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("objects-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: root) }
                let executor = KubernetesUnitExecutor(settings: KubernetesUnitExecutorTests.fast, manifests: InstallManifestFetcher())
                try await body(.init(server: server, files: files, executor: executor, kubeconfig: try server.writeKubeconfig(), root: root))
            }
        }
    }

    static func addon(
        _ context: KubernetesUnitExecutorTests.Context, _ name: String, prerequisites: [Value] = [], objects: [Value] = [],
        outputs: Value = .null, inventory: [String] = [], timeout: Int = 120
    ) -> UnitJob {
        var job = context.app(name, timeout: timeout, inventory: inventory)
        job.inputs["prerequisites"] = .list(prerequisites)
        job.inputs["objects"] = .list(objects)
        job.inputs["outputs"] = outputs
        return job
    }

    static func issuer(simulate: String? = nil) -> Value {
        var metadata: Value = ["name": "letsencrypt"]
        if let simulate { metadata = metadata.setting("annotations", to: ["terrace.test/simulate": .string(simulate)]) }
        return [
            "apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": metadata,
            "spec": ["acme": [
                "server": "https://acme-staging-v02.api.letsencrypt.org/directory", "privateKeySecretRef": ["name": "letsencrypt-account-key"],
                "solvers": [["dns01": ["route53": ["region": "eu-west-1", "hostedZoneID": "Z123"]]]],
            ]],
        ]
    }

    static let store: Value = [
        "apiVersion": "external-secrets.io/v1", "kind": "ClusterSecretStore", "metadata": ["name": "aws-secrets-manager"],
        "spec": ["provider": ["aws": ["service": "SecretsManager", "region": "eu-west-1"]]],
    ]

    static func realm(_ text: String) -> Value {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "realm", "namespace": "keycloak"], "data": ["realm.yaml": .string(text)]]
    }

    static let job: Value = [
        "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "keycloak-config", "namespace": "keycloak"],
        "spec": ["template": ["spec": ["restartPolicy": "OnFailure", "containers": [["name": "config", "image": "example.com/config:1"]]]]],
    ]

    static let secret: Value = [
        "apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": ["name": "keycloak-admin", "namespace": "keycloak"],
        "spec": [
            "secretStoreRef": ["name": "aws-secrets-manager", "kind": "ClusterSecretStore"], "target": ["name": "keycloak-admin"],
            "data": [["secretKey": "password", "remoteRef": ["key": "dev/terrace/admin", "property": "password"]]],
        ],
    ]

    @Test("objects wait for their chart's kinds and for Ready; prerequisites come first; a Job runs again only when what it reads changes")
    func objectsInOrder() async throws {
        try await Self.with { context in
            let argocd = try await context.executor.apply(context.argocd()) { _ in }
            #expect(argocd.inventory?.isEmpty == false)

            // cert-manager: its ClusterIssuer is only served once the chart synced; applied then, and Ready.
            let certManager = try await context.executor.apply(
                Self.addon(context, "cert-manager", objects: [Self.issuer()], outputs: ["url": "https://example.com"])) { _ in }
            #expect(certManager.inventory == ["argoproj.io/v1alpha1 Application argocd/cert-manager", "cert-manager.io/v1 ClusterIssuer letsencrypt"])
            #expect(certManager.values["url"] == "https://example.com" && certManager.values["health"] == "Healthy")
            let issuer = try #require(try await context.get(ObjectReference(apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", name: "letsencrypt")))
            #expect(issuer.condition("Ready")?["status"] == "True")
            let externalSecrets = try await context.executor.apply(Self.addon(context, "external-secrets", objects: [Self.store])) { _ in }

            // An addon with a prerequisite of another addon's kind, a ConfigMap and a Job named by what it reads.
            let keycloak = Self.addon(context, "keycloak", prerequisites: [Self.secret], objects: [Self.realm("realm: dev"), Self.job])
            let first = try await context.executor.apply(keycloak) { _ in }
            let inventory = try #require(first.inventory)
            #expect(Array(inventory.prefix(3)) == [
                "v1 Namespace keycloak", "external-secrets.io/v1 ExternalSecret keycloak/keycloak-admin",
                "argoproj.io/v1alpha1 Application argocd/keycloak",
            ])
            let jobKey = try #require(inventory.last)
            #expect(jobKey.hasPrefix("batch/v1 Job keycloak/keycloak-config-") && jobKey.count == "batch/v1 Job keycloak/keycloak-config-".count + 8)
            let jobReference = try #require(ObjectReference(inventoryKey: jobKey))
            #expect(try await context.get(jobReference)?.condition("Complete")?["status"] == "True")

            // The same again: nothing written, no change seen by a dry run.
            let before = try await context.client { client in try await ArgoCDBootstrapTests.probeVersion(client, "objects-1") }
            let again = try await context.executor.apply(Self.addon(
                context, "keycloak", prerequisites: [Self.secret], objects: [Self.realm("realm: dev"), Self.job], inventory: inventory)) { _ in }
            let after = try await context.client { client in try await ArgoCDBootstrapTests.probeVersion(client, "objects-2") }
            #expect(again.inventory == inventory)
            #expect(after == before + 1, "a second apply wrote nothing")
            #expect(try await context.executor.plan(Self.addon(
                context, "keycloak", prerequisites: [Self.secret], objects: [Self.realm("realm: dev"), Self.job], inventory: inventory)) { _ in }
                == ResourceSummary())

            // The realm changes: a new Job runs, the old one is pruned.
            let changed = try await context.executor.apply(Self.addon(
                context, "keycloak", prerequisites: [Self.secret], objects: [Self.realm("realm: dev\nenabled: true"), Self.job],
                inventory: inventory)) { _ in }
            let newJob = try #require(changed.inventory?.last)
            #expect(newJob != jobKey)
            #expect(try await context.get(jobReference) == nil, "the Job of the old realm is deleted")

            // Destroy: objects, the Application, then prerequisites, all gone.
            try await context.executor.destroy(Self.addon(context, "keycloak", inventory: changed.inventory ?? [])) { _ in }
            for key in changed.inventory ?? [] {
                let reference = try #require(ObjectReference(inventoryKey: key))
                #expect(try await context.get(reference) == nil, "\(key) is left")
            }
            _ = externalSecrets
        }
    }

    @Test("an object whose controller reports a failure fails the unit with a message naming the addon, the object and the condition")
    func failedObject() async throws {
        try await Self.with { context in
            _ = try await context.executor.apply(context.argocd()) { _ in }
            do {
                _ = try await context.executor.apply(Self.addon(context, "cert-manager", objects: [Self.issuer(simulate: "Failed")], timeout: 10)) { _ in }
                Issue.record("the apply succeeded")
            } catch let error as UnitFailure {
                #expect(error.message.contains("cert-manager.io/v1 ClusterIssuer letsencrypt"), "\(error.message)")
                #expect(error.message.contains("Ready=False") && error.message.contains("(simulated)"), "\(error.message)")
                #expect(error.phase == .wait)
                #expect(error.inventory?.contains("cert-manager.io/v1 ClusterIssuer letsencrypt") == true, "what was applied stays recorded")
            }
        }
    }

    @Test("an object that is not an object is refused before anything is applied")
    func badObject() async throws {
        try await Self.with { context in
            _ = try await context.executor.apply(context.argocd()) { _ in }
            let job = Self.addon(context, "broken", objects: [["kind": "ConfigMap"]])
            do {
                _ = try await context.executor.apply(job) { _ in }
                Issue.record("the apply succeeded")
            } catch let error as UnitFailure {
                #expect(error.message.contains("`objects[0]` is not a Kubernetes object with apiVersion, kind and metadata.name"), "\(error.message)")
            }
            let application = ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: "argocd", name: "broken")
            #expect(try await context.get(application) == nil, "nothing was applied")
        }
    }
}
