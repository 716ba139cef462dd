import Foundation

extension Reconciler {
    /// Approves the plan of run `runID`, which waits for approval, and queues its apply: exactly the reviewed plans
    /// are applied. Records who approved and when. Refused when the run does not wait (already approved, discarded,
    /// superseded) or when a newer revision of its infrastructure is valid (the plan is then superseded).
    public func approve(_ runID: String, by actor: String) async throws(RunActionError) -> ServiceRun {
        var run = try await waitingRun(runID)
        if let newer = queue.item(for: run.infrastructure), newer.revision != run.revision {
            throw RunActionError(
                .conflict,
                "run \(runID) was planned for revision \(run.revision.prefix(12)); revision \(newer.revision.prefix(12)) is queued, so this plan is superseded")
        }
        run.approvedBy = actor
        run.approvedAt = Date()
        try await save(run)
        waitingRuns[run.infrastructure] = nil
        enqueue(ReconcileQueue.Item(
            infrastructure: run.infrastructure, operation: run.operation, revision: run.revision, trigger: run.trigger,
            requestedBy: actor, approvedRunID: run.id))
        return run
    }

    /// Discards the plan of run `runID`, which waits for approval: nothing is applied, the saved plans are removed,
    /// and the infrastructure is not planned again at this revision until someone asks (reconcile) or a new
    /// revision arrives.
    public func discard(_ runID: String, by actor: String) async throws(RunActionError) -> ServiceRun {
        var run = try await waitingRun(runID)
        run.status = .discarded
        run.discardedBy = actor
        run.discardedAt = Date()
        run.finishedAt = run.discardedAt
        run.message = "plan discarded by \(actor); nothing was applied"
        try await save(run)
        waitingRuns[run.infrastructure] = nil
        discardedRevisions[run.infrastructure] = run.revision
        let now = Date()
        let message = "the plan of revision \(run.revision.prefix(12)) was discarded by \(actor); reconcile to plan again"
        await updateStatus(run.infrastructure) { $0.conditions.markFailed(.planDiscarded, message, at: now) }
        await discardPlans(of: run)
        return run
    }

    /// Queues a new run of the infrastructure of run `runID`, which failed or was interrupted, at the newest valid
    /// revision. Returns the queued request's infrastructure.
    public func retry(_ runID: String, by actor: String) async throws(RunActionError) -> ServiceRun {
        let found: ServiceRun?
        do { found = try await store.run(runID) } catch { throw RunActionError(.unavailable, error.message) }
        guard let run = found else { throw RunActionError(.notFound, "no run `\(runID)`") }
        guard run.status == .failed || run.status == .interrupted else {
            throw RunActionError(.conflict, "run \(runID) is \(run.status.rawValue); only a failed or interrupted run can be retried")
        }
        guard let revision = validRevision, let repository = repositories[revision],
            repository.infrastructure(named: run.infrastructure) != nil
        else { throw RunActionError(.notFound, "`\(run.infrastructure)` is not in the newest valid revision") }
        enqueue(ReconcileQueue.Item(
            infrastructure: run.infrastructure, revision: revision, trigger: .rerun, requestedBy: actor))
        return run
    }

    /// The unit graph of `name` at the newest valid revision, or nil.
    public func graph(of name: String) -> UnitGraph? {
        guard let revision = validRevision, let repository = repositories[revision],
            let infrastructure = repository.infrastructure(named: name)
        else { return nil }
        return repository.graphs[name] ?? UnitGraph.build(infrastructure).0
    }

    /// The infrastructures waiting in the queue, with the revision each waits for.
    public var queuedInfrastructures: [String: String] { queue.revisions }

    private func waitingRun(_ runID: String) async throws(RunActionError) -> ServiceRun {
        let found: ServiceRun?
        do { found = try await store.run(runID) } catch { throw RunActionError(.unavailable, error.message) }
        guard let run = found else { throw RunActionError(.notFound, "no run `\(runID)`") }
        guard run.status == .waiting, run.approvedAt == nil else {
            let state = run.approvedAt != nil && run.status == .waiting ? "already approved" : run.status.rawValue
            throw RunActionError(.conflict, "run \(runID) does not wait for approval: it is \(state)")
        }
        return run
    }

    private func save(_ run: ServiceRun) async throws(RunActionError) {
        do { try await store.saveRun(run) } catch { throw RunActionError(.unavailable, error.message) }
    }
}

extension Reconciler {
    /// How long lock holders read from the state buckets are reused.
    static let lockViewLifetime: TimeInterval = 10

    /// Who holds the lock of each infrastructure of the newest valid revision, read from the state buckets eight at a
    /// time and reused for ``lockViewLifetime`` seconds (a page view does not read a thousand buckets each time).
    public func locks() async -> [InfrastructureLock] {
        guard let revision = validRevision, let repository = repositories[revision] else { return [] }
        let now = Date()
        if let cached = lockView, cached.revision == revision, now.timeIntervalSince(cached.readAt) < Self.lockViewLifetime {
            return cached.locks
        }
        let environment = self.environment
        let locks = await withTaskGroup(of: InfrastructureLock.self) { group in
            var locks: [InfrastructureLock] = []
            for (index, infrastructure) in repository.infrastructures.enumerated() {
                if index >= Self.recordReadsAtOnce, let done = await group.next() { locks.append(done) }
                group.addTask {
                    do throws(ReconcileError) {
                        return InfrastructureLock(
                            infrastructure: infrastructure.name, holder: try await environment.lockHolder(of: infrastructure), readAt: now)
                    } catch {
                        return InfrastructureLock(infrastructure: infrastructure.name, holder: nil, error: error.message, readAt: now)
                    }
                }
            }
            for await done in group { locks.append(done) }
            return locks.sorted { $0.infrastructure < $1.infrastructure }
        }
        lockView = LockView(revision: revision, readAt: now, locks: locks)
        return locks
    }
}

/// Lock holders read at one time, for ``Reconciler/locks()``.
struct LockView: Sendable {
    var revision: String
    var readAt: Date
    var locks: [InfrastructureLock]
}
