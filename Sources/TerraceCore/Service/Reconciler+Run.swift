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
                if !plan.hasChanges && item.forcedUnits.isEmpty && retries.isEmpty && item.trigger != .manual {
                    let units = plan.units.map(\.name)
                    await updateStatus(name) { $0.markApplied(revision: item.revision, record: record, units: units, at: Date()) }
                    return
                }
            }
        }
        await run(item, infrastructure: infrastructure, repository: repository, retries: retries)
    }

    /// Runs the engine and records the run, its logs and the statuses.
    private nonisolated func run(
        _ item: ReconcileQueue.Item, infrastructure: Infrastructure, repository: Repository, retries: [ServiceRun]
    ) async {
        let name = item.infrastructure
        let start = Date()
        var run = ServiceRun(
            id: RunOptions.newRunID(now: start), infrastructure: name, operation: item.operation, revision: item.revision,
            trigger: item.trigger, status: .running, replica: settings.replica, queuedAt: item.queuedAt, startedAt: start,
            forcedUnits: item.forcedUnits.sorted(), retries: retries.map(\.id))
        try? await store.saveRun(run)
        for var retried in retries {
            retried.retriedBy = run.id
            try? await store.saveRun(retried)
        }
        observer.runStarted(run)
        let runID = run.id
        await updateStatus(name) { status in
            status.lastAttemptedRevision = item.revision
            status.lastRunID = runID
            status.conditions.markReconciling("\(item.operation) of revision \(item.revision.prefix(12)) running (run \(runID))", at: start)
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

        let result: InfrastructureRun
        do {
            let engine = try await environment.engine(for: infrastructure, binary: repository.project.terraform.binary, run: run)
            let options = RunOptions(
                runID: run.id, parallelism: settings.unitParallelism ?? repository.project.terraform.parallelism,
                revision: item.revision, forcedUnits: item.forcedUnits)
            let (events, continuation) = AsyncStream.makeStream(of: RunEvent.self)
            let recorder = Task { await self.recordPhases(events, infrastructure: name) }
            let handler: @Sendable (RunEvent) -> Void = { continuation.yield($0) }
            if item.operation == "destroy" {
                result = await engine.destroy(infrastructure, in: repository, options: options, events: handler)
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
        run.results = result.results
        run.finishedAt = Date()
        run.status = interrupted ? .interrupted : (result.succeeded ? .succeeded : .failed)
        if interrupted { notes.insert("interrupted: the service stopped; the run is retried on the next start", at: 0) }
        if let error = result.error { notes.insert(error, at: 0) }
        run.message = notes.isEmpty ? nil : notes.joined(separator: "; ")
        let finishedRun = run
        await Task.detached {
            let record = try? await self.environment.record(of: infrastructure)
            for unit in finishedRun.results where unit.outcome != .unchanged && unit.outcome != .blocked {
                if let text = await self.environment.log(runID: finishedRun.id, infrastructure: name, unit: unit.unit) {
                    try? await self.store.saveLog(runID: finishedRun.id, unit: unit.unit, text: text)
                }
            }
            try? await self.store.saveRun(finishedRun)
            await self.updateStatus(name) { status in
                Self.apply(finishedRun, result: result, record: record, to: &status)
            }
        }.value
        observer.runFinished(finishedRun, seconds: Date().timeIntervalSince(start))
        if finishedRun.operation == "destroy" && finishedRun.status == .succeeded {
            try? await store.deleteInfrastructure(name)
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

    /// Updates the stored status of `name` (one writer at a time in this replica).
    func updateStatus(_ name: String, _ change: @Sendable (inout InfrastructureStatus) -> Void) async {
        var status = (try? await store.infrastructure(name)) ?? InfrastructureStatus(name: name)
        change(&status)
        try? await store.saveInfrastructure(status)
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
