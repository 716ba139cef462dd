import Foundation
import Testing
import TerraceCore

@Suite struct ReconcileQueueTests {
    @Test func oneItemPerInfrastructureFirstComeFirstServed() {
        var queue = ReconcileQueue()
        let firstAdded = queue.enqueue(.init(infrastructure: "a", revision: "r1", trigger: .push))
        let secondAdded = queue.enqueue(.init(infrastructure: "b", revision: "r1", trigger: .push))
        #expect(firstAdded == nil && secondAdded == nil)
        #expect(queue.count == 2)
        let b = queue.next(excluding: ["a"])
        let none = queue.next(excluding: ["a"])
        let a = queue.next(excluding: [])
        #expect(b?.infrastructure == "b")
        #expect(none == nil)
        #expect(a?.infrastructure == "a")
        #expect(queue.count == 0)
    }

    @Test func aNewerRevisionSupersedesTheWaitingItem() throws {
        var queue = ReconcileQueue()
        queue.enqueue(.init(infrastructure: "a", revision: "r1", trigger: .drift, forcedUnits: ["x"]))
        queue.enqueue(.init(infrastructure: "b", revision: "r1", trigger: .push))
        let replaced = queue.enqueue(.init(infrastructure: "a", revision: "r2", trigger: .push))
        let superseded = try #require(replaced)
        #expect(superseded.revision == "r1")
        #expect(queue.count == 2)
        let first = queue.next(excluding: [])
        let next = try #require(first)
        #expect(next.infrastructure == "b")
        let second = queue.next(excluding: [])
        let replacement = try #require(second)
        #expect(replacement.revision == "r2")
        #expect(replacement.forcedUnits == ["x"])
    }

    @Test func theSameRevisionMergesIntoTheWaitingItem() {
        var queue = ReconcileQueue()
        queue.enqueue(.init(infrastructure: "a", revision: "r1", trigger: .push))
        let merged = queue.enqueue(.init(infrastructure: "a", revision: "r1", trigger: .drift, forcedUnits: ["u"]))
        #expect(merged == nil)
        #expect(queue.count == 1)
        #expect(queue.item(for: "a")?.forcedUnits == ["u"])
        #expect(queue.item(for: "a")?.trigger == .push)
    }
}

@Suite struct ConditionTests {
    @Test func settingKeepsTheTransitionTimeUnlessTheStatusChanges() throws {
        let t0 = Date(timeIntervalSince1970: 0)
        let t1 = Date(timeIntervalSince1970: 10)
        var conditions: [Condition] = []
        conditions.set(.ready, .true, .succeeded, "applied r1", at: t0)
        conditions.set(.ready, .true, .succeeded, "applied r2", at: t1)
        #expect(conditions.condition(.ready)?.lastTransitionTime == t0)
        #expect(conditions.condition(.ready)?.message == "applied r2")
        conditions.set(.ready, .false, .applyFailed, "boom", at: t1)
        #expect(conditions.condition(.ready)?.lastTransitionTime == t1)
    }

    @Test func markersKeepTheFluxVocabulary() {
        let now = Date()
        var conditions: [Condition] = []
        conditions.markReconciling("applying", at: now)
        #expect(conditions.map(\.type) == [.ready, .reconciling])
        #expect(conditions.condition(.ready)?.status == .unknown)
        conditions.markFailed(.validationFailed, "bad", stalled: true, at: now)
        #expect(conditions.condition(.reconciling) == nil)
        #expect(conditions.isTrue(.stalled))
        conditions.markReady("ok", at: now)
        #expect(conditions.map(\.type) == [.ready])
        #expect(conditions.isTrue(.ready))
    }

    @Test func runIDsComeBackFromLockHolders() {
        let run = ServiceRun(id: "20261121T000000Z-abc123", infrastructure: "a", revision: "r", trigger: .push, status: .running, replica: "pod-0", queuedAt: Date())
        #expect(run.lockHolder == "terrace serve pod-0 run 20261121T000000Z-abc123")
        #expect(ServiceRun.runID(fromLockHolder: run.lockHolder) == run.id)
        #expect(ServiceRun.runID(fromLockHolder: "alice@laptop (pid 7)") == nil)
        #expect(ServiceRun.runID(fromLockHolder: "terrace serve x run ") == nil)
    }
}
