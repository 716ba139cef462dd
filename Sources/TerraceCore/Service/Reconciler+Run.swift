import Foundation

extension Reconciler {
    /// Runs `item` holding the infrastructure's lock in the status store; while another replica holds it, waits
    /// and tries again, unless a newer request for the infrastructure arrives meanwhile.
    nonisolated func execute(_ item: ReconcileQueue.Item) async {
        while !Task.isCancelled {
            let done: Bool?
            do throws(ServiceStoreError) {
                done = try await store.withInfrastructureLock(item.infrastructure) {
                    await self.runLocked(item)
                    return true
                }
            } catch {
                let message = "the status database cannot lock the infrastructure: \(error.message)"
                await updateStatus(item.infrastructure) { $0.conditions.markFailed(.planFailed, message, at: Date()) }
                return
            }
            if done != nil { return }
            await updateStatus(item.infrastructure) { status in
                // The replica holding the lock reports its own progress: do not overwrite it.
                guard status.conditions.condition(.reconciling)?.reason != .progressing else { return }
                status.conditions.markReconciling("waiting: another replica is running this infrastructure", reason: .pending, at: Date())
            }
            narrate(ReconcileStep(.waitingForLock, level: .debug, infrastructure: item.infrastructure, revision: item.revision, message: "waiting for the lock another replica holds; trying again in \(ReconcileStep.describe(settings.busyRetryDelay))"))
            try? await Task.sleep(for: settings.busyRetryDelay)
            if await hasNewerItem(for: item.infrastructure) { return }
        }
    }

    /// One run, under the infrastructure's lock: recover what a dead run left, plan again, run, record.
    nonisolated func runLocked(_ item: ReconcileQueue.Item) async {
        let name = item.infrastructure
        // 1. Runs still marked running are dead: this replica holds the lock, and no other can.
        await markStaleRunsInterrupted(name)
        // 2. Interrupted runs not yet retried (none when another replica already retried them) are retried by this
        //    run, which then runs even if nothing else changed.
        let unretried = ((try? await store.runs(infrastructure: name, status: .interrupted, limit: 100)) ?? [])
            .filter { $0.retriedBy == nil }
        await planAndRun(item, retries: unretried)
    }

    /// Loads the revision, plans under the lock, and runs unless nothing changed.
    private nonisolated func planAndRun(_ item: ReconcileQueue.Item, retries: [ServiceRun]) async {
        let name = item.infrastructure
        let repository: Repository
        switch await loadRepository(item.revision) {
        case .success(let loaded): repository = loaded
        case .failure:
            await updateStatus(name) {
                $0.conditions.markFailed(.validationFailed, "revision \(item.revision.prefix(12)) cannot be loaded", stalled: true, at: Date())
            }
            return
        }
        guard let infrastructure = repository.infrastructure(named: name) else { return }
        let record: InfrastructureRecord?
        do {
            record = try await environment.record(of: infrastructure)
        } catch {
            await updateStatus(name) { $0.conditions.markFailed(.planFailed, error.message, at: Date()) }
            return
        }
        if item.operation == "apply" {
            switch Planner.plan(infrastructure, in: repository, record: record) {
            case .failure(let failure):
                let message = failure.diagnostics.first.map(\.description) ?? "the plan cannot be made"
                await updateStatus(name) { $0.conditions.markFailed(.planFailed, message, stalled: true, at: Date()) }
                return
            case .success(let plan):
                if !plan.hasChanges && item.forcedUnits.isEmpty && retries.isEmpty && item.trigger != .manual && item.trigger != .rerun {
                    let units = plan.units.map(\.name)
                    await updateStatus(name) { $0.markApplied(revision: item.revision, record: record, units: units, at: Date()) }
                    return
                }
            }
        }
        await run(item, infrastructure: infrastructure, repository: repository, retries: retries)
    }

    /// Runs the engine and records the run, its logs and the statuses.
    ///
    /// Under `approval: manual` (or `destroy`), an apply first plans for review: the run then waits for approval
    /// (``ServiceRun/Status/waiting``) unless the policy is `destroy` and nothing is deleted, in which case the
    /// reviewed plans are applied at once. An approved item applies exactly its run's reviewed plans.
    private nonisolated func run(
        _ item: ReconcileQueue.Item, infrastructure: Infrastructure, repository: Repository, retries: [ServiceRun]
    ) async {
        let name = item.infrastructure
        let start = Date()
        var run: ServiceRun
        var approvedReview: RunReview?
        if let approvedID = item.approvedRunID {
            guard let approved = try? await store.run(approvedID), approved.status == .waiting, approved.approvedAt != nil,
                let review = approved.review
            else { return }
            run = approved
            run.status = .running
            approvedReview = review
        } else {
            run = ServiceRun(
                id: RunOptions.newRunID(now: start), infrastructure: name, operation: item.operation, revision: item.revision,
                trigger: item.trigger, status: .running, replica: settings.replica, queuedAt: item.queuedAt, startedAt: start,
                forcedUnits: item.forcedUnits.sorted(), retries: retries.map(\.id), requestedBy: item.requestedBy)
        }
        let reviewFirst = approvedReview == nil && infrastructure.approval != .auto
        try? await store.saveRun(run)
        if approvedReview == nil { await supersedeWaitingRuns(of: infrastructure, in: repository, by: run) }
        for var retried in retries {
            retried.retriedBy = run.id
            try? await store.saveRun(retried)
        }
        observer.runStarted(run)
        let runID = run.id
        let doing = approvedReview != nil
            ? "applying the plan of revision \(item.revision.prefix(12)) approved by \(run.approvedBy ?? "someone")"
            : reviewFirst ? "planning revision \(item.revision.prefix(12)) for review" : "\(item.operation) of revision \(item.revision.prefix(12)) running"
        await updateStatus(name) { status in
            status.lastAttemptedRevision = item.revision
            status.lastRunID = runID
            status.conditions.markReconciling("\(doing) (run \(runID))", at: start)
        }

        var notes: [String] = []
        // A Terrace lock left by a run of this service that is proven dead is released, with the Terraform
        // state locks taken under it.
        if let holder = try? await environment.lockHolder(of: infrastructure),
            let holderRun = ServiceRun.runID(fromLockHolder: holder.holder),
            let previous = try? await store.run(holderRun), previous.status != .running
        {
            do {
                let released = try await environment.releaseStaleLocks(
                    of: infrastructure, lock: holder, binary: repository.project.terraform.binary)
                notes.append("released the locks left by interrupted run \(holderRun): " + released.joined(separator: ", "))
            } catch {
                notes.append("could not release the locks left by run \(holderRun): \(error.message)")
            }
        }

        var result = InfrastructureRun(infrastructure: name, operation: item.operation)
        var stale: [String] = []
        var deferred: [String] = []
        do {
            let engine = try await environment.engine(for: infrastructure, binary: repository.project.terraform.binary, run: run)
            let options = RunOptions(
                runID: run.id, parallelism: settings.unitParallelism ?? repository.project.terraform.parallelism,
                revision: item.revision, forcedUnits: item.forcedUnits)
            let (events, continuation) = AsyncStream.makeStream(of: RunEvent.self)
            let recorder = Task { await self.recordPhases(events, infrastructure: name) }
            let started = run
            let handler: @Sendable (RunEvent) -> Void = { event in
                continuation.yield(event)
                self.narrate(event, in: started)
            }
            var plans = approvedReview?.units
            if reviewFirst, item.operation == "destroy" {
                // Removing an infrastructure deletes everything it has: it always waits.
                continuation.finish()
                await recorder.value
                let review = await destroyReview(of: infrastructure, revision: item.revision)
                await wait(run, review: review, result: result, notes: notes, infrastructure: infrastructure)
                return
            }
            if reviewFirst {
                let (planned, review) = await engine.review(infrastructure, in: repository, options: options, events: handler)
                result = planned
                if planned.succeeded, !review.units.isEmpty, infrastructure.approval == .manual || review.deletes {
                    continuation.finish()
                    await recorder.value
                    await wait(run, review: review, result: planned, notes: notes, infrastructure: infrastructure)
                    return
                }
                plans = planned.succeeded ? review.units : nil
                deferred = review.deferred
            }
            if item.operation == "destroy" {
                result = await engine.destroy(infrastructure, in: repository, options: options, events: handler)
            } else if let plans {
                (result, stale) = await engine.applyReviewed(infrastructure, in: repository, plans: plans, options: options, events: handler)
                deferred = approvedReview?.deferred ?? deferred
            } else if reviewFirst {
                // The review failed: `result` says why; nothing was applied.
            } else {
                result = await engine.apply(infrastructure, in: repository, options: options, events: handler)
            }
            continuation.finish()
            await recorder.value
        } catch {
            result = InfrastructureRun(infrastructure: name, operation: item.operation, error: error.message)
        }

        // Record: what an interrupted service writes must still reach the database, so outside cancellation.
        let interrupted = Task.isCancelled || result.results.contains { $0.message?.contains("cancelled") == true }
        let failed = result.error != nil || result.results.contains { $0.outcome == .failed }
        run.results = result.results
        run.finishedAt = Date()
        run.status = interrupted ? .interrupted : failed ? .failed : .succeeded
        if interrupted { notes.insert("interrupted: the service stopped; the run is retried on the next start", at: 0) }
        if let error = result.error { notes.insert(error, at: 0) }
        if !stale.isEmpty {
            notes.append(
                "the approved plan of " + stale.map { "`\($0)`" }.joined(separator: ", ")
                    + " no longer matches (the state or its inputs changed since it was planned): nothing of it was applied; it is planned again")
        }
        if !deferred.isEmpty, !failed {
            notes.append("planned in a follow-up run: " + deferred.map { "`\($0)`" }.joined(separator: ", "))
        }
        run.message = notes.isEmpty ? nil : notes.joined(separator: "; ")
        await record(run, result: result, infrastructure: infrastructure, start: start)
        if !interrupted, !stale.isEmpty || (!deferred.isEmpty && !failed) {
            await followUp(item, trigger: stale.isEmpty ? item.trigger : .retry)
        }
    }

    /// Records a finished run: its logs, the run, the statuses.
    private nonisolated func record(_ run: ServiceRun, result: InfrastructureRun, infrastructure: Infrastructure, start: Date) async {
        let name = infrastructure.name
        await Task.detached {
            let record = try? await self.environment.record(of: infrastructure)
            await self.saveLogs(of: run)
            try? await self.store.saveRun(run)
            await self.updateStatus(name) { status in
                Self.apply(run, result: result, record: record, to: &status)
            }
        }.value
        observer.runFinished(run, seconds: Date().timeIntervalSince(start))
        if run.operation == "destroy" && run.status == .succeeded {
            try? await store.deleteInfrastructure(name)
        }
    }

    /// Copies the logs the units of `run` wrote into the store.
    nonisolated func saveLogs(of run: ServiceRun) async {
        var units = run.results.filter { $0.outcome != .unchanged && $0.outcome != .blocked }.map(\.unit)
        units += (run.review?.units ?? []).map(\.unit).filter { !units.contains($0) }
        for unit in units {
            if let text = await environment.log(runID: run.id, infrastructure: run.infrastructure, unit: unit) {
                try? await store.saveLog(runID: run.id, unit: unit, text: text)
            }
        }
    }

    /// Writes each unit's current Terraform step into its status as the run reports it.
    private nonisolated func recordPhases(_ events: AsyncStream<RunEvent>, infrastructure: String) async {
        for await event in events {
            guard case .phase(_, let unit, let phase) = event else { continue }
            await updateStatus(infrastructure) { status in
                status.updateUnit(unit) {
                    $0.phase = phase.rawValue
                    $0.conditions.markReconciling("\(phase.rawValue) running", at: Date())
                }
            }
        }
    }

    /// Marks the runs of `name` still recorded as running as interrupted.
    private nonisolated func markStaleRunsInterrupted(_ name: String) async {
        let stale = (try? await store.runs(infrastructure: name, status: .running, limit: 100)) ?? []
        for var run in stale {
            run.status = .interrupted
            run.finishedAt = run.finishedAt ?? Date()
            run.message = "the service (replica \(run.replica)) stopped during this run; it is retried"
            try? await store.saveRun(run)
        }
    }

    /// Updates the stored status of `name` atomically among every replica (see ``ServiceStore/updateInfrastructure(_:_:)``).
    func updateStatus(_ name: String, _ change: @Sendable (inout InfrastructureStatus) -> Void) async {
        _ = try? await store.updateInfrastructure(name, change)
    }

    /// The statuses after `run`: each unit's conditions from its result, the infrastructure's from the run.
    static func apply(_ run: ServiceRun, result: InfrastructureRun, record: InfrastructureRecord?, to status: inout InfrastructureStatus) {
        let now = run.finishedAt ?? Date()
        let revision = run.revision.prefix(12)
        for unit in result.results {
            if unit.outcome == .destroyed {
                status.units.removeAll { $0.name == unit.unit }
                continue
            }
            status.updateUnit(unit.unit) { unitStatus in
                unitStatus.phase = nil
                switch unit.outcome {
                case .applied:
                    unitStatus.lastAppliedRevision = run.revision
                    unitStatus.lastAppliedAt = now
                    unitStatus.drift = nil
                    if let outputs = record?.units[unit.unit]?.outputs, record?.units[unit.unit]?.module == "kubernetes:app" {
                        unitStatus.sync = outputs["sync_status"]?.stringValue
                        unitStatus.health = outputs["health"]?.stringValue
                        unitStatus.syncedRevision = outputs["revision"]?.stringValue
                    }
                    unitStatus.conditions.markReady("applied revision \(revision)", at: now)
                case .unchanged:
                    unitStatus.lastAppliedRevision = run.revision
                    if unitStatus.drift == nil { unitStatus.conditions.markReady("up to date", at: now) }
                case .failed:
                    unitStatus.conditions.markFailed(.applyFailed, unit.message ?? "failed", at: now)
                    if record?.units[unit.unit]?.module == "kubernetes:app" {
                        // The Application is not (or no longer) what was asked for; the condition says why.
                        unitStatus.sync = nil
                        unitStatus.health = nil
                    }
                case .blocked:
                    unitStatus.conditions.markFailed(.dependencyNotReady, unit.message ?? "not run", at: now)
                case .destroyed:
                    break
                }
            }
        }
        if let record { status.outputs = InfrastructureStatus.redactedOutputs(record) }
        switch run.status {
        case .succeeded:
            status.lastAppliedRevision = run.revision
            let drifted = status.units.filter { $0.drift != nil }.map(\.name)
            if !drifted.isEmpty {
                status.conditions.markFailed(.drifted, "drift in " + drifted.map { "`\($0)`" }.joined(separator: ", "), at: now)
            } else {
                let applied = result.count(.applied), unchanged = result.count(.unchanged), destroyed = result.count(.destroyed)
                status.conditions.markReady(
                    "revision \(revision) applied: \(applied) applied, \(unchanged) unchanged, \(destroyed) destroyed", at: now)
            }
        case .interrupted:
            status.conditions.markFailed(.interrupted, run.message ?? "interrupted", at: now)
        case .failed:
            if let error = result.error, error.contains("is locked") {
                status.conditions.markFailed(.lockHeld, error, at: now)
            } else if let error = result.error, result.results.isEmpty {
                status.conditions.markFailed(.applyFailed, error, at: now)
            } else {
                let failed = result.results.filter { $0.outcome == .failed }
                let message = failed.map { "unit `\($0.unit)` failed: \($0.message ?? "")" }.joined(separator: "; ")
                status.conditions.markFailed(.applyFailed, message.isEmpty ? (result.error ?? "the run failed") : message, at: now)
            }
        case .running, .superseded, .waiting, .discarded:
            break
        }
    }
}
