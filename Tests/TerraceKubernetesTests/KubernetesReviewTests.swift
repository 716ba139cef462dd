import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// Reviewed plans of Kubernetes units against the Kubernetes API test server: the objects to create, update (with
/// the attributes a server-side dry run changes) or delete, and an apply refused when the unit renders other objects.
@Suite(.serialized) struct KubernetesReviewTests {
    @Test("an app's review lists its objects; the reviewed plan applies; a changed render is refused as stale")
    func appReview() async throws {
        try await KubernetesUnitExecutorTests.with { context in
            _ = try await context.executor.apply(context.argocd()) { _ in }
            let first = try await context.executor.review(context.app("web", values: ["replicas": 2])) { _ in }
            #expect(first.summary == ResourceSummary(add: 1))
            let create = try #require(first.changes.first)
            #expect(create.action == "create")
            #expect(create.address.contains("Application argocd/web"))
            #expect(create.attributes.contains { $0.path == "spec.source.chart" && $0.after == "\"web\"" })

            let outputs = try await context.executor.applyReviewed(context.app("web", values: ["replicas": 2]), plan: first) { _ in }
            #expect(outputs.values["health"] == "Healthy")
            let inventory = outputs.inventory ?? []

            // Nothing to change; then a value changes: an update naming the attribute.
            let same = try await context.executor.review(context.app("web", values: ["replicas": 2], inventory: inventory)) { _ in }
            #expect(same.changes.isEmpty)
            let changed = try await context.executor.review(context.app("web", values: ["replicas": 3], inventory: inventory)) { _ in }
            #expect(changed.summary == ResourceSummary(change: 1))
            #expect(changed.changes.first?.action == "update")
            #expect(changed.changes.first?.attributes.contains {
                $0.path == "spec.source.helm.valuesObject.replicas" && $0.before == "2" && $0.after == "3"
            } == true)

            // The unit now renders something else than what was reviewed: nothing is applied.
            let refused = await #expect(throws: UnitFailure.self) {
                _ = try await context.executor.applyReviewed(
                    context.app("web", values: ["replicas": 4], inventory: inventory), plan: changed) { _ in }
            }
            #expect(refused?.code == .stalePlan)
            let live = try await context.get(
                ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: "argocd", name: "web"))
            var flat: [String: Value] = [:]
            AttributeDiff.flatten(try #require(live), path: "", into: &flat)
            #expect(flat["spec.source.helm.valuesObject.replicas"] == .number(Number(2)))
        }
    }
}
