import Foundation

extension Reconciler {
    /// Records `run` as waiting for approval with `review`, and says so in the infrastructure's status.
    nonisolated func wait(
        _ run: ServiceRun, review: RunReview, result: InfrastructureRun, notes: [String], infrastructure: Infrastructure
    ) async {
        var run = run
        run.status = .waiting
        run.review = review
        run.results = result.results
        run.message = notes.isEmpty ? nil : notes.joined(separator: "; ")
        await saveLogs(of: run)
        try? await store.saveRun(run)
        await setWaiting(infrastructure.name, runID: run.id, revision: run.revision)
        let summary = Self.describe(review)
        let message = "the plan of revision \(run.revision.prefix(12)) waits for approval (run \(run.id)): \(summary)"
        let now = Date()
        let planned = review.units.map(\.unit)
        await updateStatus(infrastructure.name) { status in
            status.conditions.markReconciling(message, reason: .awaitingApproval, at: now)
            for unit in planned {
                status.updateUnit(unit) {
                    $0.phase = nil
                    $0.conditions.markReconciling("planned: waits for approval", reason: .awaitingApproval, at: now)
                }
            }
        }
        observer.runFinished(run, seconds: now.timeIntervalSince(run.startedAt ?? now))
    }

    /// The review of removing `infrastructure` from the repository: every recorded unit destroyed with everything in
    /// its state.
    nonisolated func destroyReview(of infrastructure: Infrastructure, revision: String) async -> RunReview {
        let record = try? await environment.record(of: infrastructure)
        let units = (record?.units ?? [:]).sorted { $0.key < $1.key }.map { name, unit in
            UnitReview(
                unit: name, summary: ResourceSummary(destroy: 1),
                changes: [PlannedChange(
                    address: "every resource in the state of `\(name)` (\(unit.module))", action: "delete", attributes: [])],
                planID: "", planDigest: "", desiredDigest: unit.digest)
        }
        return RunReview(revision: revision, plannedAt: Date(), units: units)
    }

    /// `+1 ~0 -0 in `backend`, `network`; later: `kubernetes``.
    static func describe(_ review: RunReview) -> String {
        let add = review.units.reduce(0) { $0 + $1.summary.add }
        let change = review.units.reduce(0) { $0 + $1.summary.change }
        let destroy = review.units.reduce(0) { $0 + $1.summary.destroy }
        var text = "+\(add) ~\(change) -\(destroy) in " + review.units.map { "`\($0.unit)`" }.joined(separator: ", ")
        if !review.deferred.isEmpty { text += "; then " + review.deferred.map { "`\($0)`" }.joined(separator: ", ") }
        return text
    }

    /// Marks the runs of `infrastructure` still waiting for approval as superseded by `run` (a newer plan), and
    /// removes their kept plans: a newer revision replaces a waiting plan instead of queueing behind it.
    nonisolated func supersedeWaitingRuns(of infrastructure: Infrastructure, in repository: Repository, by run: ServiceRun) async {
        let waiting = (try? await store.runs(infrastructure: infrastructure.name, status: .waiting, limit: 100)) ?? []
        for var old in waiting where old.id != run.id {
            old.status = .superseded
            old.finishedAt = Date()
            old.message = run.revision == old.revision
                ? "superseded by run \(run.id), which plans the same revision again"
                : "superseded by revision \(run.revision.prefix(12)) (run \(run.id)) before it was approved"
            try? await store.saveRun(old)
            await discardPlans(of: old)
        }
        await clearWaiting(infrastructure.name, unless: run.id)
    }

    /// Removes the kept plans of `run`'s review.
    nonisolated func discardPlans(of run: ServiceRun) async {
        guard let review = run.review, case .success(let repository) = await loadRepository(run.revision),
            let infrastructure = repository.infrastructure(named: run.infrastructure)
        else { return }
        let executor = environment.executor(repository.project.terraform.binary)
        for plan in review.units where !plan.planID.isEmpty {
            guard let unit = infrastructure.unit(named: plan.unit), let module = repository.modules[unit.module] else { continue }
            let job = UnitJob(
                runID: run.id, infrastructure: infrastructure.name, unit: plan.unit, module: module, inputs: [:],
                cloud: infrastructure.cloud, backend: infrastructure.backend)
            await executor.discardReviewed(job, plan: plan)
        }
    }

    /// Queues the next run of `item`'s infrastructure after an approved plan applied (units it left for later) or
    /// turned out stale (planned again).
    func followUp(_ item: ReconcileQueue.Item, trigger: ServiceRun.Trigger) {
        guard let revision = validRevision else { return }
        enqueue(ReconcileQueue.Item(infrastructure: item.infrastructure, revision: revision, trigger: trigger))
    }

    /// Reads the runs waiting for approval left by an earlier service, and queues the applies of those approved
    /// but not yet applied.
    public func recoverWaitingRuns() async {
        let waiting = (try? await store.runs(infrastructure: nil, status: .waiting, limit: 10_000)) ?? []
        for run in waiting.sorted(by: { $0.queuedAt < $1.queuedAt }) {
            waitingRuns[run.infrastructure] = (run.id, run.revision)
            if run.approvedAt != nil {
                waitingRuns[run.infrastructure] = nil
                enqueue(ReconcileQueue.Item(
                    infrastructure: run.infrastructure, operation: run.operation, revision: run.revision, trigger: run.trigger,
                    requestedBy: run.approvedBy, approvedRunID: run.id))
            }
        }
    }

    func setWaiting(_ name: String, runID: String, revision: String) { waitingRuns[name] = (runID, revision) }

    func clearWaiting(_ name: String, unless runID: String) {
        if waitingRuns[name]?.id != runID { waitingRuns[name] = nil }
    }

    /// Whether `name` at `revision` already has a decision pending or taken: a plan of that revision waits for
    /// approval, or was discarded. Only a person asking again (reconcile, retry) plans it anew; a newer revision
    /// supersedes the waiting plan.
    func awaitsDecision(_ name: String, at revision: String, trigger: ServiceRun.Trigger) -> Bool {
        guard trigger != .manual, trigger != .rerun else { return false }
        return waitingRuns[name]?.revision == revision || discardedRevisions[name] == revision
    }
}
