import Foundation
import Testing
import TerraceCore
import TerraceTestSupport

/// The service's view of Kubernetes units: an app's sync and health in its status, the condition that failed, and
/// drift found by a server-side dry run.
@Suite struct ReconcilerKubernetesTests {
    static let files = [
        "terrace.yaml": "kind: Project\nname: fake\n",
        "infra/onprem.yaml": """
            kind: Infrastructure
            name: onprem
            drift: report
            cloud: {provider: aws, region: us-east-1}
            kubernetes:
              existing: {kubeconfig: /etc/terrace/kubeconfig}
            apps:
              - name: web
                chart: {repo: https://charts.example.com, name: web, version: 1.0.0}
            """,
    ]

    @Test func anAppShowsItsSyncAndHealthTheConditionThatFailedAndDrift() async throws {
        let harness = ReconcilerTests.Harness()
        let executor = harness.environment.terraform
        await executor.setOutputs("web", UnitOutputs(
            values: ["revision": "1.0.0", "health": "Healthy", "sync_status": "Synced"],
            inventory: ["argoproj.io/v1alpha1 Application argocd/web"]))
        await harness.push("r1", Self.files)
        var web = try #require(try await harness.status("onprem").units.first { $0.name == "web" })
        #expect(web.sync == "Synced" && web.health == "Healthy" && web.syncedRevision == "1.0.0")
        #expect(web.conditions.condition(.ready)?.status == .true)

        // Someone changed the Application in the cluster: the dry run of the recorded unit finds it.
        await executor.setPlanSummary("web", ResourceSummary(change: 1))
        await executor.setPlanSummary("argocd", ResourceSummary())
        await harness.reconciler.checkDrift()
        web = try #require(try await harness.status("onprem").units.first { $0.name == "web" })
        #expect(web.drift == ResourceSummary(change: 1))
        #expect(web.conditions.condition(.ready)?.message.contains("objects in the cluster differ from what Terrace applied") == true)

        // The app fails (Argo CD reports Degraded): the condition says so; sync and health are no longer claimed.
        await executor.setFailing(["web"])
        var changed = Self.files
        changed["infra/onprem.yaml"] = (changed["infra/onprem.yaml"] ?? "").replacingOccurrences(of: "1.0.0", with: "1.1.0")
        await harness.push("r2", changed)
        web = try #require(try await harness.status("onprem").units.first { $0.name == "web" })
        #expect(web.conditions.condition(.ready)?.status == .false)
        #expect(web.conditions.condition(.ready)?.reason == .applyFailed)
        #expect(web.sync == nil && web.health == nil)
    }
}
