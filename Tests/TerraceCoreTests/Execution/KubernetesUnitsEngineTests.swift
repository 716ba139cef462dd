import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

/// Kubernetes units in the one engine: routed to their executor, with their inventory recorded and handed back,
/// removed apps destroyed through the cluster's recorded outputs, and the cluster's kubeconfig kept beside the record.
@Suite("Apply engine: Kubernetes units")
struct KubernetesUnitsEngineTests {
    static let apps = """

        apps:
          - name: shop
            chart: {repo: https://charts.example.com, name: shop, version: 1.0.0}
        """
    static let cluster = UnitOutputs(values: [
        "cluster_name": "dev", "endpoint": "https://dev.eks.example", "ca_data": "Q0E=",
        "cluster_arn": "arn:aws:eks:eu-west-1:123456789012:cluster/dev",
    ])

    struct Harness {
        var repo = TestRepo(Fixtures.valid.merging(["infra/dev.yaml": Fixtures.dev + KubernetesUnitsEngineTests.apps]) { _, new in new })
        let store = InMemoryStateStore()
        let terraform = InMemoryUnitExecutor(outputs: ["kubernetes": KubernetesUnitsEngineTests.cluster])
        let kubernetes = InMemoryUnitExecutor()

        var engine: ApplyEngine {
            ApplyEngine(executor: RoutingUnitExecutor(terraform: terraform, kubernetes: kubernetes), store: store, lock: nil)
        }

        func run(_ options: RunOptions = RunOptions(), destroy: Bool = false) async throws -> InfrastructureRun {
            let repository = try await repo.loadValid()
            let dev = try #require(repository.infrastructure(named: "dev"))
            return destroy
                ? await engine.destroy(dev, in: repository, options: options)
                : await engine.apply(dev, in: repository, options: options)
        }
    }

    @Test("the argocd unit and apps go to the Kubernetes executor, their inventory is recorded and handed back")
    func routingAndInventory() async throws {
        let harness = Harness()
        let first = try await harness.run()
        #expect(first.succeeded, "\(first.results)")
        #expect(Set(await harness.kubernetes.appliedUnits) == ["argocd", "shop"])
        #expect(await harness.terraform.appliedUnits.contains("argocd") == false)
        let record = try #require(try await harness.store.load(infrastructure: "dev"))
        #expect(record.units["argocd"]?.inventory == ["v1 ConfigMap default/argocd"])
        #expect(record.units["shop"]?.inventory == ["v1 ConfigMap default/shop"])
        #expect(record.units["network"]?.inventory == nil)
        // The app reached the cluster through the `kubernetes` unit's outputs.
        let shop = try #require(await harness.kubernetes.calls.first { $0.unit == "shop" })
        #expect(shop.inputs["cluster_endpoint"] == "https://dev.eks.example" && shop.inputs["argocd_namespace"] == "argocd-namespace")

        // The cluster's kubeconfig is kept beside the record, with no credential in it.
        let artifacts = await harness.store.artifacts["dev"] ?? [:]
        let kubeconfig = String(decoding: try #require(artifacts["kubeconfig"]), as: UTF8.self)
        #expect(kubeconfig.contains("server: https://dev.eks.example") && kubeconfig.contains("get-token"))
        #expect(!kubeconfig.contains("token:"))

        // Forced again, the app's job carries what it applied last time.
        await harness.kubernetes.resetCalls()
        let again = try await harness.run(RunOptions(forcedUnits: ["shop"]))
        #expect(again.succeeded)
        #expect(await harness.kubernetes.calls.map(\.inventory) == [["v1 ConfigMap default/shop"]])
    }

    @Test("a removed app is destroyed by the Kubernetes executor with its inventory; destroy goes apps, argocd, cluster")
    func removalAndDestroyOrder() async throws {
        var harness = Harness()
        _ = try await harness.run()
        harness.repo.write("infra/dev.yaml", Fixtures.dev)
        await harness.kubernetes.resetCalls()
        let removed = try await harness.run()
        #expect(removed.succeeded, "\(removed.results)")
        let call = try #require(await harness.kubernetes.calls.first)
        #expect(call.operation == "destroy" && call.unit == "shop" && call.isKubernetes)
        #expect(call.inventory == ["v1 ConfigMap default/shop"])
        #expect(call.inputs["cluster_endpoint"] == "https://dev.eks.example", "reached through the recorded cluster outputs")
        #expect(await harness.terraform.calls.allSatisfy { $0.operation != "destroy" })

        let destroyed = try await harness.run(RunOptions(parallelism: 8), destroy: true)
        #expect(destroyed.succeeded)
        let all = await harness.kubernetes.calls.filter { $0.operation == "destroy" }.map(\.unit)
        #expect(all.last == "argocd")
        let sequence = destroyed.results.map(\.unit)  // in the order they finished
        let argocd = try #require(sequence.firstIndex(of: "argocd"))
        let kubernetes = try #require(sequence.firstIndex(of: "kubernetes"))
        #expect(argocd < kubernetes, "Argo CD goes before the cluster: \(sequence)")
        #expect(await harness.store.artifacts["dev"]?["kubeconfig"] == nil, "the kubeconfig goes with the cluster")
    }
}

