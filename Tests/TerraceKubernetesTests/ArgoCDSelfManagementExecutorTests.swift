import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// Argo CD managing itself, through ``KubernetesUnitExecutor`` against the Kubernetes API test server acting as the
/// cluster's controllers: the `argocd` unit with upstream's manifest URL (served from Terrace's cache, as on a machine
/// that fetched it before) applies the Application `argocd` last, which the server validates against Argo CD's real
/// Application CRD (installed by the bootstrap) and reports Synced and Healthy.
@Suite(.serialized) struct ArgoCDSelfManagementExecutorTests {
    typealias Context = KubernetesUnitExecutorTests.Context

    static let reference = ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: "argocd", name: "argocd")
    static let inventoryKey = "argoproj.io/v1alpha1 Application argocd/argocd"

    /// An executor whose manifest cache holds the upstream v3.5.1 manifest under its digest, so that the upstream URL
    /// is never downloaded.
    static func cachedExecutor(_ context: Context) throws -> KubernetesUnitExecutor {
        let cache = context.root + "/manifests"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: ArgoCDBootstrapTests.fixturePath, toPath: cache + "/\(ArgoCDInstall.defaultSHA256).yaml")
        return KubernetesUnitExecutor(settings: KubernetesUnitExecutorTests.fast, manifests: InstallManifestFetcher(cacheDirectory: cache))
    }

    /// The `argocd` job with upstream's manifest URL.
    static func job(_ context: Context, _ extra: [String: Value] = [:], inventory: [String] = []) -> UnitJob {
        context.argocd(access: ["manifest": .string(ArgoCDInstall.defaultManifestURL)].merging(extra) { _, new in new }, inventory: inventory)
    }

    @Test("the Application `argocd` is applied last and Synced and Healthy; a second apply writes nothing; destroy deletes it first")
    func selfManaged() async throws {
        try await KubernetesUnitExecutorTests.with { (context: Context) async throws in
            let executor = try Self.cachedExecutor(context)
            let outputs = try await executor.apply(Self.job(context)) { _ in }
            #expect(outputs.values == ["namespace": "argocd", "version": "v3.5.1", "url": .null], "outputs as before")
            // Applied last: after the cluster Secret, and after Argo CD's server was seen available.
            let writes = Self.requests(context, " PATCH ")
            let applicationWrite = writes.firstIndex { $0.contains("/namespaces/argocd/applications/argocd?") }
            #expect(applicationWrite == writes.count - 1 && writes.dropLast().last?.contains("/secrets/in-cluster?") == true, "\(writes.suffix(2))")
            let inventory = try #require(outputs.inventory)
            #expect(inventory.count == 62)
            #expect(inventory.suffix(2) == ["v1 Secret argocd/in-cluster", Self.inventoryKey])

            let rendered = try #require(try ArgoCDApplication.selfManaging(version: "v3.5.1", namespace: "argocd"))
            let live = try #require(try await context.get(Self.reference))
            // The server kept every field (it refuses what the Application CRD does not know), and no finalizer.
            #expect(live["spec"] == rendered.object["spec"])
            #expect(live["metadata"]?["finalizers"] == nil)
            #expect(live["status"]?["sync"]?["status"] == "Synced" && live["status"]?["health"]?["status"] == "Healthy")
            #expect(live["status"]?["sync"]?["comparedTo"]?["source"] == rendered.object["spec"]?["source"])
            guard case .ready = rendered.verdict(live) else {
                Issue.record("the Application is not ready: \(rendered.verdict(live))")
                return
            }

            try await context.client { client in
                // The Application CRD's schema is really checked: a misspelt field is refused.
                let misspelt = rendered.object.setting(
                    "spec", to: (rendered.object["spec"] ?? .null).setting("ignoreDifference", to: []))
                await #expect {
                    _ = try await client.apply(misspelt, dryRun: true)
                } throws: { error in
                    ((error as? KubernetesError)?.message ?? "").contains("ignoreDifference")
                }

                let before = try await ArgoCDBootstrapTests.probeVersion(client, "probe-1")
                let again = try await executor.apply(Self.job(context, inventory: inventory)) { _ in }
                let after = try await ArgoCDBootstrapTests.probeVersion(client, "probe-2")
                #expect(after == before + 1, "the second apply changed nothing")
                #expect(again.inventory == inventory)
            }
            #expect(try await executor.plan(Self.job(context, inventory: inventory)) { _ in } == ResourceSummary())

            // Destroy: the Application goes first (it was applied last), leaving Argo CD to be deleted in order.
            let marker = context.server.log().split(separator: "\n").count
            try await executor.destroy(Self.job(context, inventory: inventory)) { _ in }
            let deletes = context.server.log().split(separator: "\n").dropFirst(marker).filter { $0.contains("DELETE ") }
            #expect(deletes.first?.contains("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/argocd") == true, "\(deletes.prefix(3))")
            #expect(deletes.count == inventory.count, "every recorded object deleted once")
            #expect(try await context.get(ObjectReference(apiVersion: "v1", kind: "Namespace", name: "argocd")) == nil)
            #expect(try await context.get(ObjectReference(
                apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "applications.argoproj.io")) == nil)
        }
    }

    /// The test server's log lines containing `text`, from `start` on.
    static func requests(_ context: Context, _ text: String, from start: Int = 0) -> [String] {
        context.server.log().split(separator: "\n").dropFirst(start).filter { $0.contains(text) }.map(String.init)
    }

    @Test("an upgrade: the running Argo CD is pointed at the new version before the install changes under it")
    func upgrade() async throws {
        try await KubernetesUnitExecutorTests.with { (context: Context) async throws in
            let executor = try Self.cachedExecutor(context)
            let inventory = try #require(try await executor.apply(Self.job(context)) { _ in }.inventory)
            // Another version from its upstream URL (the cache serves the same bytes: they have the same digest).
            let marker = context.server.log().split(separator: "\n").count
            let newer: [String: Value] = ["version": "v3.5.2", "manifest": .string(ArgoCDInstall.manifestURL(version: "v3.5.2"))]
            let upgraded = try await executor.apply(Self.job(context, newer, inventory: inventory)) { _ in }
            #expect(upgraded.inventory == inventory)
            let writes = Self.requests(context, " PATCH ", from: marker)
            #expect(writes.first?.contains("/namespaces/argocd/applications/argocd?") == true, "\(writes.prefix(2))")
            #expect(writes.last?.contains("/namespaces/argocd/applications/argocd?") == true, "awaited again at the end")
            let live = try #require(try await context.get(Self.reference))
            #expect(live["spec"]?["source"]?["targetRevision"] == "v3.5.2")
            #expect(live["status"]?["sync"]?["comparedTo"]?["source"]?["targetRevision"] == "v3.5.2")
        }
    }

    @Test("self_managed false, or a manifest of one's own: no Application, and turning it off deletes only it")
    func turnedOff() async throws {
        try await KubernetesUnitExecutorTests.with { (context: Context) async throws in
            let executor = try Self.cachedExecutor(context)
            let managed = try #require(try await executor.apply(Self.job(context)) { _ in }.inventory)
            #expect(managed.last == Self.inventoryKey)
            let off = try await executor.apply(Self.job(context, ["self_managed": false], inventory: managed)) { _ in }
            #expect(off.inventory == Array(managed.dropLast()))
            #expect(try await context.get(Self.reference) == nil)
            let server = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "argocd", name: "argocd-server")
            #expect(try await context.get(server)?.condition("Available")?["status"] == "True", "Argo CD keeps running")
            // The loopback manifest (the same bytes) is not upstream's URL: no Application either.
            let own = try await context.executor.apply(context.argocd(inventory: off.inventory ?? [])) { _ in }
            #expect(own.inventory == off.inventory)
            #expect(try await context.get(Self.reference) == nil)
        }
    }

    @Test("in another namespace the Application carries kustomize.namespace, which the CRD accepts, and syncs")
    func otherNamespace() async throws {
        try await KubernetesUnitExecutorTests.with { (context: Context) async throws in
            let executor = try Self.cachedExecutor(context)
            let outputs = try await executor.apply(Self.job(context, ["namespace": "platform"])) { _ in }
            #expect(outputs.values["namespace"] == "platform")
            #expect(outputs.inventory?.last == "argoproj.io/v1alpha1 Application platform/argocd")
            let live = try #require(try await context.get(
                ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: "platform", name: "argocd")))
            #expect(live["spec"]?["source"]?["kustomize"] == ["namespace": "platform"])
            #expect(live["spec"]?["destination"]?["namespace"] == "platform")
            #expect(live["status"]?["sourceType"] == "Kustomize")
            #expect(live["status"]?["sync"]?["status"] == "Synced" && live["status"]?["health"]?["status"] == "Healthy")
        }
    }
}
