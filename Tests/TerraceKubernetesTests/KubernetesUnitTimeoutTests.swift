import Foundation
import Synchronization
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// The unit timeout of a Kubernetes unit: an app that never becomes Synced and Healthy is stopped at the unit's timeout
/// (well before its own wait of 10 minutes), fails with `.timedOut`, and hands back what it applied.
@Suite struct KubernetesUnitTimeoutTests {
    @Test("an app still waiting at the unit's timeout is stopped and fails with a timeout, keeping its inventory")
    func appWaitStoppedAtTheTimeout() async throws {
        try await KubernetesUnitExecutorTests.with { (context: KubernetesUnitExecutorTests.Context) async throws in
            _ = try await context.executor.apply(context.argocd()) { _ in }
            var job = context.app("slow", values: ["simulate": "Progressing"], timeout: 600)
            job.timeout = .seconds(2)
            let phases = PhaseLog()
            do throws(UnitFailure) {
                _ = try await context.executor.apply(job) { phases.append($0) }
                Issue.record("an app that never became healthy was applied")
            } catch {
                #expect(error.code == .timedOut)
                #expect(error.phase == .wait)
                #expect(error.message == "timed out after 2s; its Kubernetes requests and waits were stopped")
                #expect(error.inventory == ["argoproj.io/v1alpha1 Application argocd/slow"])
            }
            #expect(phases.phases.contains(.wait))
            // The Application was applied before the wait: it is there, for the record to delete later.
            #expect(try await context.get(
                ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: "argocd", name: "slow")) != nil)
        }
    }
}

/// Phases reported by an executor, from any task.
private final class PhaseLog: Sendable {
    private let storage = Mutex<[UnitPhase]>([])
    func append(_ phase: UnitPhase) { storage.withLock { $0.append(phase) } }
    var phases: [UnitPhase] { storage.withLock { $0 } }
}
