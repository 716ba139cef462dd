import Foundation

extension Reconciler {
    /// What narrating the work needs: which sync's plans are current, and the record reads being retried.
    struct Narration: Sendable {
        /// Counts the syncs that reached planning; what an older one scheduled is superseded.
        var generation = 0
        /// Failed record reads in a row, per infrastructure (reset by a read that works).
        var recordFailures: [String: Int] = [:]
        /// The record reads scheduled after a failed one, per infrastructure.
        var recordRetries: [String: Task<Void, Never>] = [:]
        /// The wait before the first retry of a record read; doubled after each failure.
        var firstRetryDelay: Duration = .seconds(1)
        /// The longest wait between retries of a record read.
        var longestRetryDelay: Duration = Reconciler.longestFetchRetryDelay
    }

    /// What planning one infrastructure in a sync came to.
    enum Outcome: String, CaseIterable, Sendable {
        /// A run was queued.
        case queued
        /// Nothing to do: its desired state is applied.
        case upToDate = "up to date"
        /// Its record could not be read; a retry is scheduled.
        case retrying
        /// Its plan cannot be made, or it failed at this revision and waits for the poll.
        case failed
        /// A run has it (running, queued, waiting for approval), or the sync was superseded.
        case busy
    }

    /// Sets how long a failed record read waits before the next try: `first`, doubled after each failure, never more
    /// than `longest`. By default 1 s up to 60 s; the service caps it at its poll interval.
    public func setRecordRetryDelays(first: Duration, longest: Duration) {
        narration.firstRetryDelay = max(first, .milliseconds(1))
        narration.longestRetryDelay = max(longest, narration.firstRetryDelay)
    }

    /// How long before retry `attempt` (1 for the first) of a record read.
    public func recordRetryDelay(attempt: Int) -> Duration {
        var delay = narration.firstRetryDelay
        var doublings = attempt - 1
        while doublings > 0 && delay < narration.longestRetryDelay {
            delay *= 2
            doublings -= 1
        }
        return min(delay, narration.longestRetryDelay)
    }

    /// The infrastructures whose record is to be read again after a failed read, by name order.
    public var scheduledRecordReads: [String] { narration.recordRetries.keys.sorted() }

    /// Tells the observer of `step`.
    nonisolated func narrate(_ step: ReconcileStep) { observer.step(step) }

    /// Tells the observer of a unit's event in `run` (phases and results; wired into the run's event handler).
    nonisolated func narrate(_ event: RunEvent, in run: ServiceRun) {
        if let step = ReconcileStep.unit(event, in: run) { observer.step(step) }
    }

    /// Starts planning a new revision (or the same one again): record reads scheduled by earlier syncs are
    /// superseded, since this sync reads every record again. Returns the sync's generation.
    func beginPlanning() -> Int {
        narration.generation += 1
        cancelRecordRetries()
        return narration.generation
    }

    /// Cancels every scheduled record read (a newer sync supersedes them, or the service stops).
    func cancelRecordRetries() {
        for task in narration.recordRetries.values { task.cancel() }
        narration.recordRetries = [:]
    }

    /// Whether a run has `name` in hand (running, queued, waiting for approval, or to be retried after a restart):
    /// its status then says more than a sync's step.
    func isBusy(_ name: String) -> Bool {
        running[name] != nil || queue.contains(name) || waitingRuns[name] != nil || pendingRetries.contains(name)
    }

    /// What a status says while the record of `infrastructure` is read.
    func readingMessage(_ infrastructure: Infrastructure) -> String {
        var message = "reading its record from state bucket `\(infrastructure.backend.bucket)`"
        if let failures = narration.recordFailures[infrastructure.name] { message += " (retry \(failures))" }
        return message
    }

    /// Saves at once, before any record is read, the status of every infrastructure of `repository` this sync will
    /// plan, its `Reconciling` condition naming the step (reading its record): a revision's infrastructures all
    /// appear as soon as it validates, however long their records take. What a status already says is kept (its
    /// `Ready`, revisions, outputs); infrastructures a run has in hand (here or, by their status, in another replica),
    /// and those already applied at `revision`, are left alone.
    func announce(_ repository: Repository, revision: String) async {
        let known = Dictionary(((try? await store.infrastructures()) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let now = Date()
        for infrastructure in repository.infrastructures {
            let name = infrastructure.name
            guard !stopping, !isBusy(name), discardedRevisions[name] != revision else { continue }
            if let status = known[name], Self.reportsItself(status, at: revision) { continue }
            let file = infrastructure.file
            let units = (repository.graphs[name] ?? UnitGraph.build(infrastructure).0).units
            let message = readingMessage(infrastructure)
            // Checked again within the atomic update: another replica may have started a run meanwhile.
            let updated = try? await store.updateInfrastructure(name) { status in
                guard !Self.reportsItself(status, at: revision) else { return }
                status.file = file
                for unit in units where !status.units.contains(where: { $0.name == unit }) {
                    status.updateUnit(unit) { _ in }
                }
                status.conditions.markStep(message, reason: .readingRecord, at: now)
            }
            guard updated?.conditions.condition(.reconciling)?.reason == .readingRecord else { continue }
            narrate(ReconcileStep(.readingRecord, level: .debug, infrastructure: name, revision: revision, message: message))
        }
    }

    /// Whether `status` needs no announcement at `revision`: settled there, or a run (of any replica; running, or
    /// waiting for approval) reports its own progress.
    nonisolated static func reportsItself(_ status: InfrastructureStatus, at revision: String) -> Bool {
        let settled = status.lastAppliedRevision == revision && status.conditions.isTrue(.ready)
            && status.conditions.condition(.reconciling) == nil
        let reason = status.conditions.condition(.reconciling)?.reason
        return settled || reason == .progressing || reason == .awaitingApproval
    }

    /// Counts a failed read of `infrastructure`'s record and schedules the next one, unless the sync that asked is
    /// superseded or the service stops. Returns the message for its condition (`state bucket unreachable: retry 3
    /// in 4 s (…)`), or nil when nothing was scheduled.
    func scheduleRecordRetry(
        _ infrastructure: Infrastructure, in repository: Repository, revision: String, trigger: ServiceRun.Trigger,
        generation: Int, error: ReconcileError
    ) -> String? {
        guard generation == narration.generation, !stopping else { return nil }
        let name = infrastructure.name
        let attempt = (narration.recordFailures[name] ?? 0) + 1
        narration.recordFailures[name] = attempt
        let delay = recordRetryDelay(attempt: attempt)
        let message = "state bucket unreachable: retry \(attempt) in \(ReconcileStep.describe(delay)) (\(error.message))"
        narration.recordRetries[name]?.cancel()
        narration.recordRetries[name] = Task {
            do { try await Task.sleep(for: delay) } catch { return }
            await self.retryRecordRead(infrastructure, in: repository, revision: revision, trigger: trigger, generation: generation)
        }
        narrate(ReconcileStep(
            .retryScheduled, level: .warning, infrastructure: name, revision: revision, message: message, attempt: attempt, delay: delay))
        return message
    }

    /// Forgets the failed reads of `name`'s record after one that worked.
    func recordReadSucceeded(_ name: String, revision: String) {
        let failures = narration.recordFailures.removeValue(forKey: name)
        let message = failures.map { "record read after \($0) failed attempt\($0 == 1 ? "" : "s")" } ?? "record read"
        narrate(ReconcileStep(.recordRead, level: failures == nil ? .debug : .info, infrastructure: name, revision: revision, message: message))
    }

    /// Reads the record of `infrastructure` again and plans it, unless a newer sync superseded this one, the service
    /// stops, or a run has the infrastructure in hand meanwhile (it reads the record itself).
    private func retryRecordRead(
        _ infrastructure: Infrastructure, in repository: Repository, revision: String, trigger: ServiceRun.Trigger, generation: Int
    ) async {
        let name = infrastructure.name
        guard generation == narration.generation, !stopping, !Task.isCancelled else { return }
        narration.recordRetries[name] = nil
        guard !isBusy(name) else { return }
        let message = readingMessage(infrastructure)
        await updateStatus(name) { $0.conditions.markStep(message, reason: .readingRecord, at: Date()) }
        narrate(ReconcileStep(.readingRecord, level: .debug, infrastructure: name, revision: revision, message: message))
        let prefetched = await PrefetchedRecord.read(infrastructure, from: environment, runsStarted: runsStarted[name] ?? 0)
        guard generation == narration.generation, !stopping else { return }
        await consider(infrastructure, in: repository, revision: revision, trigger: trigger, record: prefetched, generation: generation)
    }

    /// Where a run of `name` just queued for `revision` stands: starting, behind its own running run, or behind
    /// other queued runs while every run slot is taken.
    func queueWait(of name: String, revision: String) -> String {
        if runningRevisions[name] == revision { return "starting now" }
        if let other = runningRevisions[name] { return "starts when its run of revision \(other.prefix(12)) finishes" }
        let ahead = max(0, queue.count - 1)
        let slots = "\(running.count) of at most \(settings.maxParallel) running"
        if ahead > 0 { return "behind \(ahead) queued run\(ahead == 1 ? "" : "s") (\(slots))" }
        return "starts when a run slot frees (\(slots))"
    }

    /// `50 infrastructures: 3 queued, 45 up to date, 2 retrying`.
    static func tally(_ outcomes: [Outcome]) -> String {
        let counts = Outcome.allCases.compactMap { outcome -> String? in
            let count = outcomes.filter { $0 == outcome }.count
            return count == 0 ? nil : "\(count) \(outcome.rawValue)"
        }
        let total = "\(outcomes.count) infrastructure\(outcomes.count == 1 ? "" : "s")"
        return counts.isEmpty ? total : total + ": " + counts.joined(separator: ", ")
    }
}
