import Foundation
import Testing
import TerraceCore
import TerraceTestSupport

/// Plans reviewed before they are applied: `approval: manual | destroy`, approve, discard, supersede, stale plans.
@Suite struct ReconcilerApprovalTests {
    typealias Harness = ReconcilerTests.Harness

    /// The reconciler tests' repository with `alpha` under `approval: policy` (and `beta` left out).
    static func files(_ policy: String = "manual", value: String = "1") -> [String: String] {
        var files = ReconcilerTests.files(alpha: value, withBeta: false)
        files["infra/alpha.yaml"] = files["infra/alpha.yaml"]?.replacingOccurrences(
            of: "drift: correct", with: "drift: correct\napproval: \(policy)")
        return files
    }

    func waiting(_ harness: Harness) async throws -> ServiceRun {
        let runs = try await harness.store.runs(infrastructure: "alpha", status: .waiting, limit: 10)
        let all = try await harness.runs().map { "\($0.id) \($0.status)" }
        try #require(runs.count == 1, "runs: \(all)")
        return runs[0]
    }

    @Test func aManualPlanWaitsThenAppliesExactlyWhatWasApprovedStageByStage() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        let run = try await waiting(harness)
        let review = try #require(run.review)
        // `second` reads `first`'s outputs, unknown until `first` applies: it is planned in a follow-up run.
        #expect(review.units.map(\.unit) == ["first"])
        #expect(review.deferred == ["second"])
        #expect(review.revision == "r1")
        #expect(review.units[0].changes.first?.action == "create")
        #expect(await harness.environment.terraform.appliedUnits.isEmpty)
        let status = try await harness.status("alpha")
        #expect(status.conditions.condition(.reconciling)?.reason == .awaitingApproval)
        #expect(status.conditions.condition(.reconciling)?.message.contains(run.id) == true)
        #expect(status.lastAppliedRevision == nil)

        // Polling the same revision plans nothing again.
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs().count == 1)

        let approved = try await harness.reconciler.approve(run.id, by: "alice")
        #expect(approved.approvedBy == "alice")
        await harness.reconciler.waitUntilIdle()
        let applied = try #require(try await harness.store.run(run.id))
        #expect(applied.status == .succeeded)
        #expect(applied.approvedBy == "alice" && applied.approvedAt != nil)
        #expect(applied.message?.contains("follow-up") == true)
        #expect(await harness.environment.terraform.calls.filter { $0.operation == "apply-reviewed" }.map(\.unit) == ["first"])
        #expect(await harness.environment.terraform.calls.filter { $0.operation == "apply" }.isEmpty)

        // The follow-up plan of `second` waits for its own approval.
        let next = try await waiting(harness)
        #expect(next.id != run.id)
        #expect(next.review?.units.map(\.unit) == ["second"])
        _ = try await harness.reconciler.approve(next.id, by: "alice")
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.store.run(next.id)?.status == .succeeded)
        #expect(await harness.environment.terraform.appliedUnits == ["first", "second"])
        let done = try await harness.status("alpha")
        #expect(done.conditions.condition(.ready)?.status == .true)
        #expect(done.lastAppliedRevision == "r1")
        // Approving twice is refused.
        await #expect(throws: RunActionError.self) { try await harness.reconciler.approve(next.id, by: "alice") }
    }

    @Test func aDiscardedPlanAppliesNothingAndIsNotPlannedAgainUntilAsked() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        let run = try await waiting(harness)
        let planID = try #require(run.review?.units.first?.planID)
        #expect(await harness.environment.terraform.keptPlans.contains(planID))
        let discarded = try await harness.reconciler.discard(run.id, by: "bob")
        #expect(discarded.status == .discarded && discarded.discardedBy == "bob")
        #expect(await !harness.environment.terraform.keptPlans.contains(planID))
        #expect(try await harness.status("alpha").conditions.condition(.ready)?.reason == .planDiscarded)
        // Polls and pushes of the same revision leave it alone.
        await harness.reconciler.sync(.poll)
        await harness.reconciler.waitUntilIdle()
        #expect(try await harness.runs().count == 1)
        #expect(await harness.environment.terraform.appliedUnits.isEmpty)
        // A discarded plan cannot be approved.
        let error = await #expect(throws: RunActionError.self) { try await harness.reconciler.approve(run.id, by: "alice") }
        #expect(error?.code == .conflict)
        // Asking for a reconcile plans it again.
        #expect(await harness.reconciler.requestReconcile("alpha", requestedBy: "bob"))
        await harness.reconciler.waitUntilIdle()
        let again = try await waiting(harness)
        #expect(again.requestedBy == "bob" && again.trigger == .manual)
    }

    @Test func aNewerRevisionSupersedesAWaitingPlanInsteadOfQueueingBehindIt() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        let first = try await waiting(harness)
        await harness.push("r2", Self.files(value: "2"))
        let second = try await waiting(harness)
        #expect(second.revision == "r2")
        let old = try #require(try await harness.store.run(first.id))
        #expect(old.status == .superseded)
        #expect(old.message?.contains("r2") == true)
        #expect(await !harness.environment.terraform.keptPlans.contains(first.review?.units.first?.planID ?? ""))
        let error = await #expect(throws: RunActionError.self) { try await harness.reconciler.approve(first.id, by: "alice") }
        #expect(error?.code == .conflict)
        #expect(await harness.environment.terraform.appliedUnits.isEmpty)
    }

    @Test func aStalePlanIsNeverAppliedButPlannedAgain() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        let run = try await waiting(harness)
        // The state moved after the plan was made (Terraform then refuses the saved plan as stale).
        await harness.environment.terraform.makeStale(try #require(run.review?.units.first?.planID))
        _ = try await harness.reconciler.approve(run.id, by: "alice")
        await harness.reconciler.waitUntilIdle()
        let failed = try #require(try await harness.store.run(run.id))
        #expect(failed.status == .failed)
        #expect(failed.message?.contains("no longer matches") == true)
        #expect(await harness.environment.terraform.appliedUnits.isEmpty)
        let again = try await waiting(harness)
        #expect(again.id != run.id && again.revision == "r1")
    }

    @Test func destroyPolicyWaitsOnlyForPlansThatDeleteSomething() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files("destroy"))
        // Nothing deleted: applied at once, through the reviewed plans, stage after stage.
        #expect(try await harness.store.runs(infrastructure: "alpha", status: .waiting, limit: 10).isEmpty)
        #expect(await harness.environment.terraform.appliedUnits == ["first", "second"])
        #expect(try await harness.status("alpha").lastAppliedRevision == "r1")

        await harness.environment.terraform.setPlanSummary("first", ResourceSummary(add: 1, destroy: 1))
        await harness.push("r2", Self.files("destroy", value: "2"))
        let run = try await waiting(harness)
        #expect(run.review?.deletes == true)
        #expect(run.review?.units.first?.changes.contains { $0.action == "delete" } == true)
        #expect(await harness.environment.terraform.appliedUnits == ["first", "second"])
    }

    @Test func aRestartedServiceKeepsWaitingPlansAndAppliesApprovedOnes() async throws {
        let harness = Harness()
        await harness.push("r1", Self.files())
        let run = try await waiting(harness)
        // The approval reaches the database, but the service stops before it applies it.
        var approved = run
        approved.approvedBy = "alice"
        approved.approvedAt = Date()
        try await harness.store.saveRun(approved)
        let next = Reconciler(
            store: harness.store, environment: harness.environment,
            settings: ReconcilerSettings(replica: "next", sourceURL: "file:///repo", busyRetryDelay: .milliseconds(20)))
        await next.recoverWaitingRuns()
        await next.waitUntilIdle()
        #expect(try await harness.store.run(run.id)?.status == .succeeded)
        #expect(await harness.environment.terraform.calls.filter { $0.operation == "apply-reviewed" }.map(\.unit) == ["first"])
    }
}

/// `approval:` in a manifest.
@Suite struct ApprovalPolicyLoadingTests {
    @Test func eachPolicyLoadsAndAutoIsTheDefault() async throws {
        for policy in ApprovalPolicy.allCases {
            let repository = try await TestRepo(ReconcilerApprovalTests.files(policy.rawValue)).loadValid()
            #expect(repository.infrastructure(named: "alpha")?.approval == policy)
        }
        let plain = try await TestRepo(ReconcilerTests.files(withBeta: false)).loadValid()
        #expect(plain.infrastructure(named: "alpha")?.approval == .auto)
    }

    @Test func anUnknownPolicyIsAnErrorAtItsPlace() async throws {
        let result = await TestRepo(ReconcilerApprovalTests.files("sometimes")).load()
        #expect(result.repository == nil)
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.description.hasPrefix("infra/alpha.yaml:4:11:"), "\(error)")
        #expect(error.description.contains("unknown approval mode `sometimes`"))
        #expect(error.description.contains("manual"))
    }
}
