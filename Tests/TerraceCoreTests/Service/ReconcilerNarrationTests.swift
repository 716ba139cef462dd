import Foundation
import Testing
import TerraceCore
import TerraceTestSupport

/// What the reconciler says while it works: every infrastructure of a valid revision shows its step at once, a record
/// read that fails is retried with backoff and says so, and observers hear each step with its infrastructure,
/// revision and run.
@Suite struct ReconcilerNarrationTests {
    /// Hears every step, and runs starting and finishing, in order.
    final class StepLog: ReconcileObserver, @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [ReconcileStep] = []

        func step(_ step: ReconcileStep) { lock.withLock { entries.append(step) } }
        func runStarted(_ run: ServiceRun) { step(.runStarted(run)) }
        func runFinished(_ run: ServiceRun, seconds: Double) { step(.runFinished(run, seconds: seconds)) }

        /// Every step heard so far.
        var all: [ReconcileStep] { lock.withLock { entries } }

        /// The steps of `kind` (about `infrastructure`, when given).
        func of(_ kind: ReconcileStep.Kind, _ infrastructure: String? = nil) -> [ReconcileStep] {
            all.filter { $0.kind == kind && (infrastructure == nil || $0.infrastructure == infrastructure) }
        }
    }

    struct Harness {
        let environment = FakeReconcileEnvironment()
        let store = InMemoryServiceStore()
        let steps = StepLog()
        let reconciler: Reconciler

        init(maxParallel: Int = 2) {
            reconciler = Reconciler(
                store: store, environment: environment, observer: steps,
                settings: ReconcilerSettings(
                    replica: "test", sourceURL: "file:///repo", maxParallel: maxParallel, busyRetryDelay: .milliseconds(20)))
        }

        func push(_ revision: String, _ files: [String: String], sync trigger: ServiceRun.Trigger = .push) async {
            await environment.source.push(revision, files)
            await reconciler.sync(trigger)
            await reconciler.waitUntilIdle()
        }

        func runs(_ infrastructure: String? = nil) async throws -> [ServiceRun] {
            try await store.runs(infrastructure: infrastructure, status: nil, limit: 1000)
        }

        func status(_ name: String) async throws -> InfrastructureStatus {
            try #require(try await store.infrastructure(name))
        }
    }

    /// `ReconcilerTests`' repository with `alpha` and `count - 1` copies of it, `infra1`…
    static func files(count: Int) -> [String: String] {
        var files = ReconcilerTests.files(withBeta: false)
        for index in 1..<count {
            let name = "infra\(index)"
            files["infra/\(name).yaml"] = files["infra/alpha.yaml"]?
                .replacingOccurrences(of: "name: alpha", with: "name: \(name)")
                .replacingOccurrences(of: "/alpha/first", with: "/\(name)/first")
        }
        return files
    }

    /// Checks `condition` every few milliseconds until it holds, for at most two minutes (a busy machine); returns
    /// whether it held.
    static func eventually(_ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return try await condition()
    }

    @Test func fiftyInfrastructuresWhoseBucketIsUnreachableAllAppearAtOnceNamingTheirStep() async throws {
        let harness = Harness()
        await harness.reconciler.setRecordRetryDelays(first: .seconds(120), longest: .seconds(3600))
        let bucket = harness.environment.stateBucket
        await bucket.hold()
        await bucket.fail()
        await harness.environment.source.push("r1", Self.files(count: 50))
        let reconciler = harness.reconciler
        let sync = Task { await reconciler.sync(.push) }

        // While the first reads wait on the bucket, all 50 are listed, each reading its record.
        #expect(await Self.eventually { await bucket.heldReads > 0 })
        let shown = try await harness.store.infrastructures()
        #expect(shown.count == 50)
        for status in shown {
            let reconciling = try #require(status.conditions.condition(.reconciling), "\(status.name)")
            #expect(reconciling.status == .true)
            #expect(reconciling.reason == .readingRecord)
            #expect(reconciling.message.hasPrefix("reading its record from state bucket `"), "\(reconciling.message)")
            #expect(status.conditions.condition(.ready)?.status == .unknown)
            #expect(status.units.map(\.name) == ["first", "second"])
            #expect(status.file == "infra/\(status.name).yaml")
        }
        #expect(try await harness.store.source()?.conditions.isTrue(.ready) == true)

        // Every read fails: the sync ends (nothing waits for the retries), and each infrastructure says why and when.
        await bucket.release()
        await sync.value
        for status in try await harness.store.infrastructures() {
            let reconciling = try #require(status.conditions.condition(.reconciling), "\(status.name)")
            #expect(reconciling.reason == .retrying)
            #expect(
                reconciling.message.hasPrefix("state bucket unreachable: retry 1 in 120 s (cannot reach the state bucket `"),
                "\(reconciling.message)")
            #expect(reconciling.message.contains("connection refused"))
        }
        #expect(await harness.reconciler.scheduledRecordReads.count == 50)
        #expect(try await harness.runs().isEmpty)

        // Polls while the bucket stays unreachable read again and count on, each superseding the scheduled reads.
        await reconciler.sync(.poll)
        await reconciler.sync(.poll)
        for status in try await harness.store.infrastructures() {
            let message = status.conditions.condition(.reconciling)?.message ?? ""
            #expect(message.hasPrefix("state bucket unreachable: retry 3 in 480 s ("), "\(message)")
        }
        let retries = harness.steps.of(.retryScheduled)
        #expect(retries.count == 150)
        #expect(retries.allSatisfy { $0.level == .warning && $0.revision == "r1" })
        let third = retries.filter { $0.attempt == 3 }
        #expect(Set(third.compactMap(\.infrastructure)).count == 50)
        #expect(third.allSatisfy { $0.delay == .seconds(480) })
        #expect(await harness.reconciler.scheduledRecordReads.count == 50)
    }

    @Test func aFailedRecordReadIsRetriedWithBackoffWithoutHoldingUpTheOthersAndPlanningGoesOnOnceItWorks() async throws {
        let harness = Harness()
        await harness.reconciler.setRecordRetryDelays(first: .milliseconds(5), longest: .milliseconds(20))
        let bucket = harness.environment.stateBucket
        await bucket.fail(infrastructure: "alpha")
        await harness.push("r1", ReconcilerTests.files())

        // beta is applied while alpha's record cannot be read.
        #expect(try await harness.runs("beta").map(\.status) == [.succeeded])
        #expect(try await harness.status("beta").conditions.isTrue(.ready))
        #expect(await Self.eventually { harness.steps.of(.retryScheduled, "alpha").count >= 4 })
        #expect(try await harness.runs("alpha").isEmpty)

        // The bucket answers again: alpha is planned and applied as usual.
        await bucket.heal()
        #expect(try await Self.eventually { try await harness.runs("alpha").first?.status == .succeeded })
        await harness.reconciler.waitUntilIdle()
        let alpha = try await harness.status("alpha")
        #expect(alpha.lastAppliedRevision == "r1")
        #expect(alpha.conditions.isTrue(.ready))
        #expect(alpha.conditions.condition(.reconciling) == nil)
        #expect(await harness.reconciler.scheduledRecordReads.isEmpty)

        let retries = harness.steps.of(.retryScheduled, "alpha")
        #expect(retries.map(\.attempt) == Array(1...retries.count).map { Optional($0) })
        let expected: [Duration] = retries.indices.map { min(.milliseconds(5 << min($0, 10)), .milliseconds(20)) }
        #expect(retries.map(\.delay) == expected.map { Optional($0) })
        #expect(retries[2].message.hasPrefix("state bucket unreachable: retry 3 in 20 ms (cannot reach the state bucket `"))
        let read = try #require(harness.steps.of(.recordRead, "alpha").last)
        #expect(read.message == "record read after \(retries.count) failed attempts")
        #expect(harness.steps.of(.queued, "alpha").count == 1)
    }

    @Test func aNewerSyncSupersedesScheduledReadsAReadThatWorksStartsTheCountAfreshAndShutdownCancels() async throws {
        let harness = Harness()
        await harness.reconciler.setRecordRetryDelays(first: .seconds(600), longest: .seconds(3600))
        let bucket = harness.environment.stateBucket
        await bucket.fail(infrastructure: "alpha")
        await harness.push("r1", ReconcilerTests.files())
        #expect(await harness.reconciler.scheduledRecordReads == ["alpha"])
        await harness.push("r2", ReconcilerTests.files(beta: "2"))
        #expect(await harness.reconciler.scheduledRecordReads == ["alpha"])
        let second = try #require(harness.steps.of(.retryScheduled, "alpha").last)
        #expect(second.attempt == 2)
        #expect(second.revision == "r2")
        #expect(try await harness.status("alpha").conditions.condition(.reconciling)?.message.hasPrefix("state bucket unreachable: retry 2 in 1200 s") == true)

        await bucket.heal()
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        #expect(await harness.reconciler.scheduledRecordReads.isEmpty)
        #expect(try await harness.status("alpha").lastAppliedRevision == "r2")

        await bucket.fail(infrastructure: "alpha")
        await harness.push("r3", ReconcilerTests.files(alpha: "3"))
        #expect(harness.steps.of(.retryScheduled, "alpha").last?.attempt == 1)
        await harness.reconciler.shutdown()
        #expect(await harness.reconciler.scheduledRecordReads.isEmpty)
    }

    @Test func theStepGivesWayToTheOutcomeAndAnAppliedRevisionKeepsItsReadyCondition() async throws {
        let harness = Harness()
        await harness.push("r1", ReconcilerTests.files())
        let before = try await harness.status("beta")
        let ready = try #require(before.conditions.condition(.ready))
        #expect(ready.status == .true)
        #expect(before.conditions.condition(.reconciling) == nil)
        #expect(harness.steps.of(.readingRecord).count == 2)

        // A poll of the applied revision: nothing to announce, nothing changes.
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        let polled = try await harness.status("beta")
        #expect(polled.conditions.condition(.reconciling) == nil)
        #expect(polled.conditions.condition(.ready)?.lastTransitionTime == ready.lastTransitionTime)
        #expect(harness.steps.of(.readingRecord).count == 2)

        // A revision that changes alpha only: beta is looked at (keeping Ready), then applied without a run.
        await harness.push("r2", ReconcilerTests.files(alpha: "2"))
        #expect(harness.steps.of(.readingRecord, "beta").count == 2)
        let after = try await harness.status("beta")
        #expect(after.lastAppliedRevision == "r2")
        #expect(after.conditions.condition(.reconciling) == nil)
        #expect(after.conditions.condition(.ready)?.status == .true)
        #expect(after.conditions.condition(.ready)?.lastTransitionTime == ready.lastTransitionTime)
        #expect(harness.steps.of(.planned, "beta").last?.message == "planned revision r2: no change; applied without a run")
        #expect(try await harness.runs("beta").count == 1)
    }

    @Test func aQueuedRunSaysWhatItWaitsFor() async throws {
        let harness = Harness(maxParallel: 1)
        await harness.environment.terraform.setDelay(.milliseconds(300))
        await harness.push("r1", Self.files(count: 3))
        let queued = harness.steps.of(.queued)
        #expect(queued.count == 3)
        let waits = Set(queued.map { $0.message.components(separatedBy: "; ").last ?? "" })
        #expect(waits == [
            "starting now", "starts when a run slot frees (1 of at most 1 running)", "behind 1 queued run (1 of at most 1 running)",
        ])
        #expect(queued.allSatisfy { $0.message.hasPrefix("queued for revision r1: first, second changed; ") })
        #expect(try await harness.runs().allSatisfy { $0.status == .succeeded })
    }

    @Test func observersHearEachStepWithItsInfrastructureRevisionAndRun() async throws {
        let harness = Harness()
        await harness.push("r1", ReconcilerTests.files())
        let steps = harness.steps.all
        let kinds = steps.map(\.kind)
        for kind in [ReconcileStep.Kind.syncStarted, .fetched, .validated, .readingRecord, .recordRead, .planned, .queued, .runStarted, .runFinished, .syncFinished] {
            #expect(kinds.contains(kind), "\(kind)")
        }
        #expect(kinds.firstIndex(of: .validated) ?? 0 < kinds.firstIndex(of: .readingRecord) ?? 0)
        #expect(kinds.firstIndex(of: .readingRecord) ?? 0 < kinds.firstIndex(of: .recordRead) ?? 0)
        #expect(steps.first { $0.kind == .validated }?.message == "revision r1 is valid: 2 infrastructures")
        #expect(steps.first { $0.kind == .syncFinished }?.message == "revision r1 planned: 2 infrastructures: 2 queued")
        let runs = try await harness.runs()
        for run in runs {
            let started = try #require(harness.steps.of(.runStarted, run.infrastructure).first)
            #expect(started.run == run.id)
            #expect(started.revision == "r1")
            #expect(started.message == "apply of revision r1 started (push)")
            let finished = try #require(harness.steps.of(.runFinished, run.infrastructure).first)
            #expect(finished.run == run.id)
            #expect(finished.level == .info)
            #expect(finished.message.hasPrefix("apply of revision r1 succeeded after "))
            #expect(finished.message.hasSuffix("(2 applied)"))
        }
        #expect(steps.filter { $0.kind == .planned || $0.kind == .queued }.allSatisfy { $0.infrastructure != nil && $0.revision == "r1" })

        // A broken revision and an unreachable source are warnings.
        var broken = ReconcilerTests.files(alpha: "2")
        broken["infra/beta.yaml"] = broken["infra/beta.yaml"]?.replacingOccurrences(of: "${first.name}", with: "${missing.name}")
        await harness.push("r2", broken)
        let invalid = try #require(harness.steps.of(.invalid).first)
        #expect(invalid.level == .warning)
        #expect(invalid.revision == "r2")
        #expect(invalid.message.contains("unknown reference `missing.name`"))
        await harness.environment.source.breakRemote()
        await harness.reconciler.sync(.poll)
        let failed = try #require(harness.steps.of(.fetchFailed).first)
        #expect(failed.level == .warning)
        #expect(failed.message.contains("(1 in a row): cannot fetch: repository unreachable"))
    }

    @Test func aRunWaitingForTheLockOfAnotherReplicaSaysSo() async throws {
        let harness = Harness()
        await harness.store.holdAsOtherReplica("alpha")
        await harness.environment.source.push("r1", ReconcilerTests.files())
        await harness.reconciler.sync(.push)
        #expect(await Self.eventually { !harness.steps.of(.waitingForLock, "alpha").isEmpty })
        let waiting = try #require(harness.steps.of(.waitingForLock, "alpha").first)
        #expect(waiting.revision == "r1")
        #expect(waiting.message == "waiting for the lock another replica holds; trying again in 20 ms")
        await harness.store.releaseAsOtherReplica("alpha")
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs("alpha").map(\.status) == [.succeeded])
    }

    @Test func unitEventsBecomeStepsOfTheirRunAndDelaysReadAsPeopleSayThem() {
        let run = ServiceRun(
            id: "20261121T000000Z-abc123", infrastructure: "alpha", revision: "0123456789abcdef", trigger: .push, status: .running,
            replica: "test", queuedAt: Date())
        let phase = ReconcileStep.unit(.phase(infrastructure: "alpha", unit: "first", phase: .apply), in: run)
        #expect(phase == ReconcileStep(
            .unitPhase, infrastructure: "alpha", revision: "0123456789abcdef", run: run.id, unit: "first", message: "unit `first`: apply"))
        let failed = ReconcileStep.unit(
            .finished(infrastructure: "alpha", result: UnitResult(unit: "first", outcome: .failed, seconds: 2.5, message: "boom")), in: run)
        #expect(failed?.level == .warning)
        #expect(failed?.message == "unit `first` failed in 2.5 s: boom")
        #expect(ReconcileStep.unit(.started(infrastructure: "alpha", operation: "apply", units: ["first"]), in: run) == nil)
        #expect(ReconcileStep.describe(.seconds(8)) == "8 s")
        #expect(ReconcileStep.describe(.milliseconds(250)) == "250 ms")
        #expect(ReconcileStep.describe(.milliseconds(1500)) == "1.5 s")
    }

    @Test func recordReadsAreRetriedAfterOneSecondDoublingUpToTheLongestDelay() async {
        let reconciler = Reconciler(
            store: InMemoryServiceStore(), environment: FakeReconcileEnvironment(), settings: ReconcilerSettings(replica: "test"))
        var delays: [Duration] = []
        for attempt in 1...9 { delays.append(await reconciler.recordRetryDelay(attempt: attempt)) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        await reconciler.setRecordRetryDelays(first: .seconds(1), longest: .seconds(10))
        #expect(await reconciler.recordRetryDelay(attempt: 3) == .seconds(4))
        #expect(await reconciler.recordRetryDelay(attempt: 5) == .seconds(10))
    }
}
