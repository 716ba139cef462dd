import Foundation
import Testing
import TerraceCore
import TerraceTestSupport

/// The reconciler against fakes: which infrastructures run for which revision, and what the statuses say.
@Suite struct ReconcilerTests {
    static let module = """
        variable "name" { type = string }
        variable "value" { type = string }
        output "name" { value = var.name }
        """

    /// A repository with infrastructures `alpha` (drift: correct) and `beta`, each with units `first` and `second`.
    static func files(alpha: String = "1", beta: String = "1", prune: Bool = false, withBeta: Bool = true) -> [String: String] {
        func manifest(_ name: String, _ value: String, drift: String) -> String {
            """
            kind: Infrastructure
            name: \(name)
            drift: \(drift)
            cloud: {provider: aws, region: us-east-1}
            units:
              - name: first
                module: ../modules/param
                inputs: {name: /\(name)/first, value: "\(value)"}
              - name: second
                module: ../modules/param
                inputs: {name: "${first.name}-second", value: "1"}
            """
        }
        var files = [
            "terrace.yaml": "kind: Project\nname: fake\nprune: \(prune)\n",
            "modules/param/main.tf": module,
            "infra/alpha.yaml": manifest("alpha", alpha, drift: "correct"),
        ]
        if withBeta { files["infra/beta.yaml"] = manifest("beta", beta, drift: "report") }
        return files
    }

    struct Harness {
        let environment: FakeReconcileEnvironment
        let store = InMemoryServiceStore()
        let reconciler: Reconciler

        init(maxParallel: Int = 2, recordReadDelay: Duration = .zero) {
            var environment = FakeReconcileEnvironment()
            environment.recordReadDelay = recordReadDelay
            self.environment = environment
            reconciler = Reconciler(
                store: store, environment: environment,
                settings: ReconcilerSettings(
                    replica: "test", sourceURL: "file:///repo", maxParallel: maxParallel, busyRetryDelay: .milliseconds(20)))
        }

        func push(_ revision: String, _ files: [String: String], sync trigger: ServiceRun.Trigger = .push) async {
            await environment.source.push(revision, files)
            await reconciler.sync(trigger)
            await reconciler.waitUntilIdle()
        }

        func runs(_ infrastructure: String? = nil) async throws -> [ServiceRun] {
            try await store.runs(infrastructure: infrastructure, status: nil, limit: 100)
        }

        func status(_ name: String) async throws -> InfrastructureStatus {
            try #require(try await store.infrastructure(name))
        }
    }

    @Test func firstSyncAppliesEveryInfrastructureThenNothingUntilItChanges() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        let runs = try await harness.runs()
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.revision == "r1" && $0.trigger == .push })
        for name in ["alpha", "beta"] {
            let status = try await harness.status(name)
            #expect(status.conditions.condition(.ready)?.status == .true)
            #expect(status.conditions.condition(.ready)?.reason == .succeeded)
            #expect(status.lastAppliedRevision == "r1")
            #expect(status.lastAttemptedRevision == "r1")
            #expect(status.units.map(\.name) == ["first", "second"])
            #expect(status.outputs["first"]?["id"] == .string("first-id"))
        }
        #expect(await harness.environment.terraform.appliedUnits.count == 4)

        // The same revision again, polled: nothing runs.
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs().count == 2)
        #expect(await harness.environment.terraform.appliedUnits.count == 4)
        // Logs of applied units are kept with the run.
        let logs = try await harness.store.logs(runID: runs[0].id)
        #expect(logs.keys.sorted() == ["first", "second"])
    }

    @Test func aSyncReadsTheRecordsOfManyInfrastructuresAFewAtATime() async throws {
        let harness = Harness(maxParallel: 4, recordReadDelay: .milliseconds(30))
        var files = Self.files(withBeta: false)
        let names = (1...20).map { "infra\($0)" }
        for name in names {
            files["infra/\(name).yaml"] = files["infra/alpha.yaml"]?
                .replacingOccurrences(of: "name: alpha", with: "name: \(name)")
                .replacingOccurrences(of: "/alpha/first", with: "/\(name)/first")
        }
        await harness.push("r1", files)
        #expect(try await harness.runs().count == names.count + 1)
        for name in names + ["alpha"] {
            #expect(try await harness.status(name).lastAppliedRevision == "r1", "\(name)")
        }
        // A poll of the same revision (no run reads records meanwhile): each record read once, several at a
        // time but never more than the limit, and nothing runs.
        let reads = harness.environment.recordReads
        await reads.reset()
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        #expect(await reads.total == names.count + 1)
        #expect(await reads.peak > 1)
        #expect(await reads.peak <= 8)
        #expect(try await harness.runs().count == names.count + 1)
    }

    @Test func aPushChangingOneInputRunsOnlyThatInfrastructureAndUnit() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        await harness.environment.terraform.resetCalls()
        await harness.push("r2", Self.files(alpha: "2"))

        #expect(try await harness.runs("beta").count == 1)
        let alphaRuns = try await harness.runs("alpha")
        #expect(alphaRuns.count == 2)
        let newest = try #require(alphaRuns.first)
        #expect(newest.revision == "r2")
        #expect(newest.trigger == .push)
        #expect(newest.status == .succeeded)
        #expect(Dictionary(uniqueKeysWithValues: newest.results.map { ($0.unit, $0.outcome) }) == ["first": .applied, "second": .unchanged])
        #expect(await harness.environment.terraform.appliedUnits == ["first"])
        // Beta's desired state did not change: it counts as applied at r2 without a run.
        #expect(try await harness.status("beta").lastAppliedRevision == "r2")
        #expect(try await harness.status("alpha").lastAppliedRevision == "r2")
    }

    @Test func anInvalidRevisionStallsTheSourceAndTheNextGoodOneRecovers() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        var broken = Self.files(alpha: "2")
        broken["infra/beta.yaml"] = broken["infra/beta.yaml"]?.replacingOccurrences(of: "${first.name}", with: "${missing.name}")
        await harness.push("r2", broken)

        let source = try #require(try await harness.store.source())
        #expect(source.conditions.condition(.stalled)?.status == .true)
        #expect(source.conditions.condition(.ready)?.reason == .validationFailed)
        #expect(source.fetchedRevision == "r2")
        #expect(source.validRevision == "r1")
        let error = try #require(source.errors.first)
        #expect(error.hasPrefix("infra/beta.yaml:11:23: error: unknown reference `missing.name`"), "\(error)")
        #expect(error.contains("missing"))
        // Nothing ran, not even alpha whose manifest is fine: the revision as a whole is rejected.
        #expect(try await harness.runs().count == 2)
        #expect(try await harness.status("alpha").lastAppliedRevision == "r1")
        #expect(try await harness.status("alpha").conditions.condition(.ready)?.status == .true)

        await harness.push("r3", Self.files(alpha: "2"))
        let recovered = try #require(try await harness.store.source())
        #expect(recovered.conditions.condition(.ready)?.status == .true)
        #expect(recovered.conditions.condition(.stalled) == nil)
        #expect(recovered.errors.isEmpty)
        #expect(try await harness.runs("alpha").first?.revision == "r3")
    }

    @Test func aNewerRevisionSupersedesAQueuedRun() async throws {
        let harness = Harness(maxParallel: 1)
        await harness.environment.terraform.setDelay(.milliseconds(100))
        await harness.environment.source.push("r1", Self.files())
        await harness.reconciler.sync(.push)
        // Alpha runs, beta waits; r2 changes beta before its run starts.
        await harness.environment.source.push("r2", Self.files(beta: "2"))
        await harness.reconciler.sync(.push)
        await harness.reconciler.waitUntilIdle()

        let betaRuns = try await harness.runs("beta")
        #expect(betaRuns.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.succeeded, .superseded])
        let superseded = try #require(betaRuns.first { $0.status == .superseded })
        #expect(superseded.revision == "r1")
        #expect(superseded.message?.contains("superseded by revision r2") == true)
        #expect(betaRuns.first { $0.status == .succeeded }?.revision == "r2")
    }

    @Test func aLockHeldByAnotherReplicaDelaysTheRunUntilItIsFree() async throws {
        let harness = Harness()
        await harness.store.holdAsOtherReplica("alpha")
        await harness.environment.source.push("r1", Self.files())
        await harness.reconciler.sync(.push)
        try await Task.sleep(for: .milliseconds(100))
        let waiting = try await harness.status("alpha")
        #expect(waiting.conditions.condition(.reconciling)?.reason == .pending)
        #expect(waiting.conditions.condition(.reconciling)?.message.contains("another replica") == true)
        #expect(try await harness.runs("alpha").isEmpty)

        await harness.store.releaseAsOtherReplica("alpha")
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs("alpha").map(\.status) == [.succeeded])
    }

    @Test func aRunLeftRunningIsRetriedAndItsLockReleased() async throws {
        let harness = Harness()
        let dead = ServiceRun(
            id: "20261121T000000Z-dead00", infrastructure: "alpha", revision: "r0", trigger: .push, status: .running,
            replica: "old", queuedAt: Date(timeIntervalSinceNow: -60), startedAt: Date(timeIntervalSinceNow: -60))
        try await harness.store.saveRun(dead)
        await harness.environment.locks.plant(
            LockInfo(id: "l1", infrastructure: "alpha", holder: dead.lockHolder, operation: "apply", createdAt: Date(timeIntervalSinceNow: -60)))
        await harness.reconciler.recoverUnfinishedRuns()
        await harness.push("r1", Self.files())

        let old = try #require(try await harness.store.run(dead.id))
        #expect(old.status == .interrupted)
        let retry = try #require(try await harness.runs("alpha").first { $0.trigger == .retry })
        #expect(old.retriedBy == retry.id)
        #expect(retry.retries == [dead.id])
        #expect(retry.status == .succeeded)
        #expect(retry.message?.contains("released the locks left by interrupted run \(dead.id)") == true)
        #expect(await harness.environment.locks.holding("alpha") == nil)
    }

    @Test func aLockHeldByAnotherToolIsReportedAndLeftAlone() async throws {
        let harness = Harness()
        let foreign = LockInfo(id: "l2", infrastructure: "alpha", holder: "alice@laptop (pid 7)", operation: "apply", createdAt: Date())
        await harness.environment.locks.plant(foreign)
        await harness.push("r1", Self.files())

        let status = try await harness.status("alpha")
        #expect(status.conditions.condition(.ready)?.reason == .lockHeld)
        #expect(status.conditions.condition(.ready)?.message.contains("alice@laptop") == true)
        #expect(try await harness.runs("alpha").first?.status == .failed)
        #expect(await harness.environment.locks.holding("alpha") == foreign)
        #expect(try await harness.status("beta").conditions.condition(.ready)?.status == .true)
    }

    @Test func aFailedUnitBlocksItsDependentsAndIsRetriedAtThePollNotOnEveryPush() async throws {
        let harness = Harness()
        await harness.environment.terraform.setFailing(["first"])
        await harness.push("r1", Self.files(), sync: .poll)

        let status = try await harness.status("alpha")
        #expect(status.conditions.condition(.ready)?.reason == .applyFailed)
        #expect(status.conditions.condition(.ready)?.message.contains("unit `first` failed") == true)
        let second = try #require(status.units.first { $0.name == "second" })
        #expect(second.conditions.condition(.ready)?.reason == .dependencyNotReady)
        #expect(second.conditions.condition(.ready)?.message.contains("`first`") == true)

        await harness.reconciler.sync(.push)
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs("alpha").count == 1)

        await harness.environment.terraform.setFailing([])
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs("alpha").first?.status == .succeeded)
        #expect(try await harness.status("alpha").conditions.condition(.ready)?.status == .true)
    }

    @Test func runsAndDriftChecksUseTheBinaryTheProjectNames() async throws {
        let harness = Harness()
        var files = Self.files()
        files["terrace.yaml"] = "kind: Project\nname: fake\nterraform:\n  binary: tofu\n"
        await harness.push("r1", files)
        await harness.reconciler.checkDrift()
        await harness.reconciler.waitUntilIdle()
        let asked = harness.environment.binaries.all
        #expect(asked.count >= 4, "two runs and two drift checks")
        #expect(Set(asked) == [.tofu])

        // Back to the default: terraform from the next revision on.
        let before = asked.count
        await harness.push("r2", Self.files(alpha: "2"))
        #expect(Array(harness.environment.binaries.all.dropFirst(before)) == [.terraform])
    }

    @Test func driftIsReportedOrCorrectedAsTheManifestSays() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        await harness.environment.terraform.resetCalls()
        await harness.environment.terraform.setPlanSummary("first", ResourceSummary(change: 1))
        await harness.environment.terraform.setPlanSummary("second", ResourceSummary())
        await harness.reconciler.checkDrift()
        await harness.reconciler.waitUntilIdle()

        // beta reports only.
        let beta = try await harness.status("beta")
        #expect(beta.conditions.condition(.ready)?.reason == .drifted)
        let drifted = try #require(beta.units.first { $0.name == "first" })
        #expect(drifted.drift == ResourceSummary(change: 1))
        #expect(drifted.conditions.condition(.ready)?.reason == .drifted)
        #expect(beta.units.first { $0.name == "second" }?.conditions.condition(.ready)?.status == .true)
        #expect(beta.lastDriftCheck != nil)
        #expect(try await harness.runs("beta").count == 1)

        // alpha (drift: correct) applies its drifted unit again, and only that.
        let correction = try #require(try await harness.runs("alpha").first)
        #expect(correction.trigger == .drift)
        #expect(correction.forcedUnits == ["first"])
        #expect(correction.status == .succeeded)
        #expect(Dictionary(uniqueKeysWithValues: correction.results.map { ($0.unit, $0.outcome) }) == ["first": .applied, "second": .unchanged])
        let alpha = try await harness.status("alpha")
        #expect(alpha.conditions.condition(.ready)?.status == .true)
        #expect(alpha.units.allSatisfy { $0.drift == nil })
        let applied = await harness.environment.terraform.calls.filter { $0.operation == "apply" }
        #expect(applied.map(\.unit) == ["first"])
        #expect(applied.first?.inputs["name"] == .string("/alpha/first"))
    }

    @Test func aRemovedInfrastructureIsReportedAndDestroyedOnlyWithPrune() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        await harness.push("r2", Self.files(withBeta: false))
        let removed = try await harness.status("beta")
        #expect(removed.conditions.condition(.ready)?.reason == .removed)
        #expect(removed.conditions.condition(.ready)?.message.contains("prune: true") == true)
        #expect(await harness.environment.terraform.calls.filter { $0.operation == "destroy" }.isEmpty)

        await harness.push("r3", Self.files(prune: true, withBeta: false))
        let destroy = try #require(try await harness.runs("beta").first)
        #expect(destroy.operation == "destroy")
        #expect(destroy.trigger == .prune)
        #expect(destroy.status == .succeeded)
        #expect(try await harness.store.infrastructure("beta") == nil)
        let destroyed = await harness.environment.terraform.calls.filter { $0.operation == "destroy" }.map(\.unit)
        #expect(Set(destroyed) == ["first", "second"])
    }

    @Test func anUnreachableSourceIsReportedWithoutTouchingInfrastructures() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        await harness.environment.source.breakRemote()
        await harness.reconciler.sync(.poll)
        let source = try #require(try await harness.store.source())
        #expect(source.conditions.condition(.ready)?.reason == .fetchFailed)
        #expect(source.conditions.condition(.ready)?.message.contains("unreachable") == true)
        #expect(try await harness.status("alpha").conditions.condition(.ready)?.status == .true)
    }

    @Test func aFailedFetchIsRetriedSoonerThanThePollIntervalBackingOffAndThenThePollIntervalAgain() async throws {
        let harness = Harness()
        let hour = Duration.seconds(3600)
        #expect(await harness.reconciler.delayBeforeNextPoll(interval: hour) == hour)
        await harness.environment.source.breakRemote()
        var delays: [Duration] = []
        for _ in 0..<9 {
            await harness.reconciler.sync(.poll)
            delays.append(await harness.reconciler.delayBeforeNextPoll(interval: hour))
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        // Never longer than the poll interval itself.
        #expect(await harness.reconciler.delayBeforeNextPoll(interval: .seconds(5)) == .seconds(5))
        // A fetch that works again: the source is followed, and the interval is back to normal.
        await harness.push("r1", Self.files(), sync: .poll)
        #expect(await harness.reconciler.fetchFailuresInARow == 0)
        #expect(await harness.reconciler.delayBeforeNextPoll(interval: hour) == hour)
        #expect(try await harness.status("alpha").conditions.condition(.ready)?.status == .true)
    }

    @Test func shutdownInterruptsRunningRunsAndRecordsThem() async throws {
        let harness = Harness()
        await harness.environment.terraform.setDelay(.milliseconds(300))
        await harness.environment.source.push("r1", Self.files())
        await harness.reconciler.sync(.push)
        while await harness.reconciler.runningInfrastructures.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        await harness.reconciler.shutdown()
        let runs = try await harness.runs()
        #expect(!runs.isEmpty)
        #expect(runs.allSatisfy { $0.status == .interrupted })
        #expect(try await harness.status("alpha").conditions.condition(.ready)?.reason == .interrupted)
        // A new service picks them up.
        let next = Reconciler(
            store: harness.store, environment: harness.environment, settings: ReconcilerSettings(replica: "test"))
        await next.recoverUnfinishedRuns()
        await next.sync(.poll)
        await next.waitUntilIdle()
        let retries = try await harness.runs().filter { $0.trigger == .retry }
        #expect(!retries.isEmpty)
        #expect(retries.allSatisfy { $0.status == .succeeded })
    }
}
