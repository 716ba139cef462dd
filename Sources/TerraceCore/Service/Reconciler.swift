import Foundation

/// The service's engine: follows the source, works out which infrastructures changed, and runs them.
///
/// A sync is a fixed sequence of steps: fetch the branch; load and validate the new revision (a broken
/// revision stalls the source and leaves every infrastructure alone); plan each infrastructure offline by
/// digest against its record; queue those whose plan changed. Runs start from the queue, one per
/// infrastructure, at most ``ReconcilerSettings/maxParallel`` at once; a queued run is superseded by a newer
/// revision before it starts. Each run holds the infrastructure's lock in the status store, so replicas sharing
/// a database never run the same infrastructure at once.
public actor Reconciler {
    let store: any ServiceStore
    let environment: any ReconcileEnvironment
    let observer: any ReconcileObserver
    /// How the reconciler works.
    public nonisolated let settings: ReconcilerSettings

    var repositories: [String: Repository] = [:]
    var repositoryOrder: [String] = []
    var queue = ReconcileQueue()
    var running: [String: Task<Void, Never>] = [:]
    var runningRevisions: [String: String] = [:]
    var pendingRetries: Set<String> = []
    /// The run waiting for approval of each infrastructure that has one, with the revision it planned.
    var waitingRuns: [String: (id: String, revision: String)] = [:]
    /// The lock holders last read for ``locks()``.
    var lockView: LockView?
    /// The revision whose plan was discarded, per infrastructure: not planned again until asked or a new revision.
    var discardedRevisions: [String: String] = [:]
    /// How many runs each infrastructure has started: a record read before a run started is out of date.
    var runsStarted: [String: Int] = [:]
    var syncing = false
    /// When the sync in progress last made progress (started, fetched, validated, planned an infrastructure); nil
    /// when no sync runs.
    var syncProgressAt: Date?
    var syncAgain: ServiceRun.Trigger?
    var checkingDrift = false
    var stopping = false
    /// What narrating the work needs: the current sync, record reads being retried (Reconciler+Narration.swift).
    var narration = Narration()
    /// The newest revision fetched.
    public private(set) var fetchedRevision: SourceRevision?
    /// The newest revision that validated.
    public private(set) var validRevision: String?
    /// How many syncs in a row could not fetch the source (0 after one that could).
    public private(set) var fetchFailuresInARow = 0

    /// The longest wait before fetching again after a failed fetch.
    public static let longestFetchRetryDelay: Duration = .seconds(60)

    /// Creates a reconciler.
    public init(
        store: any ServiceStore, environment: any ReconcileEnvironment, observer: any ReconcileObserver = SilentObserver(),
        settings: ReconcilerSettings
    ) {
        self.store = store
        self.environment = environment
        self.observer = observer
        self.settings = settings
    }

    /// How long to wait before the next poll: `interval` after a sync that fetched; after failed fetches, 1 s, then
    /// twice as long each time up to ``longestFetchRetryDelay`` (never longer than `interval`), so a source that was
    /// briefly unreachable (a restarting git server, a dropped connection) is followed again within seconds, not
    /// after a whole poll interval.
    public func delayBeforeNextPoll(interval: Duration) -> Duration {
        guard fetchFailuresInARow > 0 else { return interval }
        let backoff = Duration.seconds(1 << min(fetchFailuresInARow - 1, 6))
        return min(interval, min(backoff, Self.longestFetchRetryDelay))
    }

    /// Whether the source has been fetched at least once.
    public var isSourceReady: Bool { fetchedRevision != nil }

    /// How many runs wait in the queue.
    public var queueDepth: Int { queue.count }

    /// The infrastructures running now.
    public var runningInfrastructures: [String] { running.keys.sorted() }

    /// Waits until no run is queued or running and no sync is in progress (for tests and tools).
    public func waitUntilIdle() async {
        while syncing || !running.isEmpty || queue.count > 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Finds the runs a previous service left running or interrupted; they are retried after the next sync.
    public func recoverUnfinishedRuns() async {
        let running = (try? await store.runs(infrastructure: nil, status: .running, limit: 10_000)) ?? []
        let interrupted = (try? await store.runs(infrastructure: nil, status: .interrupted, limit: 10_000)) ?? []
        pendingRetries.formUnion(running.map(\.infrastructure))
        pendingRetries.formUnion(interrupted.filter { $0.retriedBy == nil }.map(\.infrastructure))
    }

    /// Fetches the source and queues what changed. Calls made while a sync runs are folded into one more sync.
    public func sync(_ trigger: ServiceRun.Trigger) async {
        guard !stopping else { return }
        guard !syncing else {
            syncAgain = syncAgain == .push ? .push : trigger
            return
        }
        syncing = true
        madeProgress()
        var next: ServiceRun.Trigger? = trigger
        while let current = next, !stopping {
            await syncOnce(current)
            next = syncAgain
            syncAgain = nil
        }
        syncing = false
        syncProgressAt = nil
    }

    /// Notes that the sync in progress made progress (for ``syncStall(now:)``).
    func madeProgress() {
        syncProgressAt = Date()
    }

    /// How long the sync in progress has gone without progress at `now`, or nil when no sync runs: a liveness
    /// probe fails when this grows past a bound (a hanging step, or CPU-bound work that never ends).
    public func syncStall(now: Date) -> Duration? {
        guard syncing, let since = syncProgressAt else { return nil }
        return .milliseconds(Int64(max(0, now.timeIntervalSince(since)) * 1000))
    }

    /// Queues a run of `name` at the newest valid revision, even when its plan shows no change
    /// (it then checks and reports the infrastructure). Returns false when there is no such infrastructure.
    public func requestReconcile(_ name: String, requestedBy: String? = nil) async -> Bool {
        guard let revision = validRevision, let repository = repositories[revision],
            repository.infrastructure(named: name) != nil
        else { return false }
        discardedRevisions[name] = nil
        enqueue(ReconcileQueue.Item(infrastructure: name, revision: revision, trigger: .manual, requestedBy: requestedBy))
        return true
    }

    /// Stops starting runs, interrupts the running ones (Terraform gets SIGINT through cancellation) and waits
    /// until they have recorded themselves as interrupted.
    public func shutdown() async {
        stopping = true
        cancelRecordRetries()
        let tasks = Array(running.values)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func syncOnce(_ trigger: ServiceRun.Trigger) async {
        let now = Date()
        let routine = trigger == .poll
        narrate(ReconcileStep(
            .syncStarted, level: routine ? .debug : .info,
            message: "sync (\(trigger.rawValue)): fetching branch \(settings.branch) of \(settings.sourceURL)"))
        let initial = SourceStatus(url: settings.sourceURL, branch: settings.branch, path: settings.path)
        var source = StatusEdits((try? await store.source()) ?? initial)
        let (url, branch, path) = (settings.sourceURL, settings.branch, settings.path)
        source { source in
            source.url = url
            source.branch = branch
            source.path = path
        }
        /// Replays the changes on the stored source status in one atomic update.
        func save() async {
            let edits = source
            _ = try? await store.updateSource(initial: initial) { edits.replay(on: &$0) }
        }
        madeProgress()
        let revision: SourceRevision
        do {
            revision = try await environment.fetch()
        } catch {
            fetchFailuresInARow += 1
            narrate(ReconcileStep(
                .fetchFailed, level: .warning,
                message: "cannot fetch branch \(settings.branch) (\(fetchFailuresInARow) in a row): \(error.message)"))
            // A fetch that timed out (a git that hangs) stalls the source until one works.
            let stalled = error.code == .timeout
            source { $0.conditions.markFailed(.fetchFailed, error.message, stalled: stalled, at: now) }
            await save()
            return
        }
        madeProgress()
        fetchFailuresInARow = 0
        observer.fetched(revision)
        let isNew = revision.id != fetchedRevision?.id || revision.id != validRevision
        narrate(ReconcileStep(
            .fetched, level: isNew ? .info : .debug, revision: revision.id,
            message: "fetched branch \(settings.branch) at revision \(revision.short)"))
        fetchedRevision = revision
        source { source in
            source.fetchedRevision = revision.id
            source.fetchedRevisionTime = revision.committedAt
            source.fetchedAt = now
        }
        let repository: Repository
        switch await loadRepository(revision.id) {
        case .success(let loaded):
            repository = loaded
        case .failure(let failure):
            let errors = failure.diagnostics.filter { $0.severity == .error }.map(\.description)
            let shown = errors.prefix(3).joined(separator: "; ") + (errors.count > 3 ? "; and \(errors.count - 3) more" : "")
            source { source in
                source.errors = errors
                source.conditions.markFailed(
                    .validationFailed, "revision \(revision.short) is not valid: \(shown)", stalled: true, at: now)
            }
            narrate(ReconcileStep(
                .invalid, level: .warning, revision: revision.id,
                message: "revision \(revision.short) is not valid (\(errors.count) error\(errors.count == 1 ? "" : "s")): \(shown)"))
            await save()
            return
        }
        madeProgress()
        validRevision = revision.id
        source { source in
            source.validRevision = revision.id
            source.errors = []
            source.conditions.markReady("revision \(revision.short) fetched and valid", at: now)
        }
        await save()
        let count = repository.infrastructures.count
        narrate(ReconcileStep(
            .validated, level: isNew ? .info : .debug, revision: revision.id,
            message: "revision \(revision.short) is valid: \(count) infrastructure\(count == 1 ? "" : "s")"))

        // Every infrastructure shows its step at once; then records are read, a few at a time, and each is planned.
        let generation = beginPlanning()
        await announce(repository, revision: revision.id)
        let records = await records(of: repository.infrastructures)
        var outcomes: [Outcome] = []
        for infrastructure in repository.infrastructures {
            madeProgress()
            outcomes.append(await consider(
                infrastructure, in: repository, revision: revision.id, trigger: trigger, record: records[infrastructure.name],
                generation: generation))
        }
        await considerRemoved(repository: repository, revision: revision.id)
        let quiet = !isNew && outcomes.allSatisfy { $0 == .upToDate || $0 == .busy }
        narrate(ReconcileStep(
            .syncFinished, level: quiet ? .debug : .info, revision: revision.id,
            message: "revision \(revision.short) planned: \(Self.tally(outcomes))"))
    }

    /// How many records a sync reads at once.
    static let recordReadsAtOnce = 8

    /// A record read ahead of planning, and how many runs its infrastructure had started when it was read.
    struct PrefetchedRecord: Sendable {
        var infrastructure: String
        var record: InfrastructureRecord?
        var error: ReconcileError?
        var runsStarted: Int

        /// Reads the record of `infrastructure`.
        static func read(
            _ infrastructure: Infrastructure, from environment: any ReconcileEnvironment, runsStarted: Int
        ) async -> PrefetchedRecord {
            var prefetched = PrefetchedRecord(infrastructure: infrastructure.name, runsStarted: runsStarted)
            do {
                prefetched.record = try await environment.record(of: infrastructure)
            } catch {
                prefetched.error = error
            }
            return prefetched
        }

        /// The record, or the error reading it gave.
        func get() throws(ReconcileError) -> InfrastructureRecord? {
            if let error { throw error }
            return record
        }
    }

    /// The records of the infrastructures a sync will plan, read a few at a time, so a revision with many
    /// infrastructures is planned in a fraction of the time one read after another takes. Infrastructures running
    /// or queued now are left out: their records may change before they are planned, and are read then.
    private func records(of infrastructures: [Infrastructure]) async -> [String: PrefetchedRecord] {
        let wanted = infrastructures.filter { infrastructure in
            let name = infrastructure.name
            return running[name] == nil && !queue.contains(name) && !pendingRetries.contains(name)
        }
        let environment = self.environment
        let started = runsStarted
        return await withTaskGroup(of: PrefetchedRecord.self) { group in
            var results: [String: PrefetchedRecord] = [:]
            for (index, infrastructure) in wanted.enumerated() {
                if index >= Self.recordReadsAtOnce, let done = await group.next() {
                    results[done.infrastructure] = done
                    madeProgress()
                }
                let runs = started[infrastructure.name] ?? 0
                group.addTask { await PrefetchedRecord.read(infrastructure, from: environment, runsStarted: runs) }
            }
            for await done in group {
                results[done.infrastructure] = done
                madeProgress()
            }
            return results
        }
    }

    /// Plans `infrastructure` offline and queues it when its plan changed.
    /// `record` is the one read beforehand, when it was; it is read now when it was not, or when a run of the
    /// infrastructure started since. A record that cannot be read is read again later, with backoff (see
    /// ``setRecordRetryDelays(first:longest:)``), until it can or a newer sync (`generation`) supersedes this one.
    @discardableResult
    func consider(
        _ infrastructure: Infrastructure, in repository: Repository, revision: String, trigger: ServiceRun.Trigger,
        record prefetched: PrefetchedRecord?, generation: Int
    ) async -> Outcome {
        let name = infrastructure.name
        let now = Date()
        var status = StatusEdits((try? await store.infrastructure(name)) ?? InfrastructureStatus(name: name))
        let graph = repository.graphs[name] ?? UnitGraph.build(infrastructure).0
        let file = infrastructure.file
        let units = graph.units
        status { status in
            status.file = file
            for unit in units where !status.units.contains(where: { $0.name == unit }) {
                status.updateUnit(unit) { _ in }
            }
        }
        let short = revision.prefix(12)
        if pendingRetries.remove(name) != nil {
            enqueue(ReconcileQueue.Item(infrastructure: name, revision: revision, trigger: .retry))
            let message = "queued: retrying an interrupted run; \(queueWait(of: name, revision: revision))"
            status { $0.conditions.markReconciling(message, reason: .pending, at: now) }
            await save(status)
            narrate(ReconcileStep(.queued, infrastructure: name, revision: revision, message: message))
            return .queued
        }
        if runningRevisions[name] == revision || queue.item(for: name)?.revision == revision {
            // Queued meanwhile (asked for): say so instead of the step this sync announced.
            if queue.item(for: name)?.revision == revision, status.current.conditions.condition(.reconciling)?.reason == .readingRecord {
                let message = "queued for revision \(short); \(queueWait(of: name, revision: revision))"
                status { status in
                    guard status.conditions.condition(.reconciling)?.reason == .readingRecord else { return }
                    status.conditions.markReconciling(message, reason: .pending, at: now)
                }
                await save(status)
            }
            return .busy
        }
        if awaitsDecision(name, at: revision, trigger: trigger) { return .busy }
        let record: InfrastructureRecord?
        do {
            if let prefetched, prefetched.runsStarted == runsStarted[name] ?? 0 {
                record = try prefetched.get()
            } else {
                record = try await environment.record(of: infrastructure)
            }
        } catch {
            guard let message = scheduleRecordRetry(
                infrastructure, in: repository, revision: revision, trigger: trigger, generation: generation, error: error)
            else { return .busy }
            status { $0.conditions.markReconciling(message, reason: .retrying, at: now) }
            await save(status)
            return .retrying
        }
        recordReadSucceeded(name, revision: revision)
        let outcome: Outcome
        switch Planner.plan(infrastructure, in: repository, record: record) {
        case .failure(let failure):
            let message = failure.diagnostics.first.map(\.description) ?? "the plan cannot be made"
            status { $0.conditions.markFailed(.planFailed, message, stalled: true, at: now) }
            narrate(ReconcileStep(
                .planFailed, level: .warning, infrastructure: name, revision: revision,
                message: "revision \(short) cannot be planned: \(message)"))
            outcome = .failed
        case .success(let plan) where plan.hasChanges:
            let changed = plan.units.filter { $0.action != .unchanged }.map(\.name)
            let changes = "\(changed.joined(separator: ", ")) changed"
            narrate(ReconcileStep(
                .planned, infrastructure: name, revision: revision,
                message: "planned revision \(short): " + changed.map { "`\($0)`" }.joined(separator: ", ") + " changed"))
            // A failure at this very revision is retried at the poll interval or on request, not on every push.
            let failedHere = status.current.lastAttemptedRevision == revision && status.current.conditions.condition(.ready)?.status == .false
            if failedHere && trigger == .push {
                status { $0.conditions.clearStep() }
                await save(status)
                return .failed
            }
            enqueue(ReconcileQueue.Item(infrastructure: name, revision: revision, trigger: trigger))
            guard queue.item(for: name)?.revision == revision || runningRevisions[name] == revision else {
                // Not queued (the service stops, or a decision on a plan of this revision is awaited).
                status { $0.conditions.clearStep() }
                await save(status)
                return .busy
            }
            let message = "queued for revision \(short): \(changes); \(queueWait(of: name, revision: revision))"
            status { $0.conditions.markReconciling(message, reason: .pending, at: now) }
            narrate(ReconcileStep(.queued, infrastructure: name, revision: revision, message: message))
            outcome = .queued
        case .success:
            guard running[name] == nil else { return .busy }
            let wasApplied = status.current.lastAppliedRevision == revision
            status { status in
                status.markApplied(revision: revision, record: record, units: units, at: now)
                status.conditions.clearStep()
            }
            narrate(ReconcileStep(
                .planned, level: wasApplied ? .debug : .info, infrastructure: name, revision: revision,
                message: wasApplied
                    ? "planned revision \(short): no change; still applied"
                    : "planned revision \(short): no change; applied without a run"))
            outcome = .upToDate
        }
        await save(status)
        return outcome
    }

    /// Replays `edits` on the stored status of their infrastructure in one atomic update.
    private func save(_ edits: StatusEdits<InfrastructureStatus>) async {
        _ = try? await store.updateInfrastructure(edits.current.name) { edits.replay(on: &$0) }
    }


    /// Infrastructures with a status but no manifest any more: destroyed when the project prunes, else reported.
    private func considerRemoved(repository: Repository, revision: String) async {
        let known = (try? await store.infrastructures()) ?? []
        let now = Date()
        for status in known where repository.infrastructure(named: status.name) == nil {
            guard running[status.name] == nil, !queue.contains(status.name) else { continue }
            if repository.project.prune, let applied = status.lastAppliedRevision ?? status.lastAttemptedRevision {
                enqueue(ReconcileQueue.Item(infrastructure: status.name, operation: "destroy", revision: applied, trigger: .prune))
                let message = "removed from the repository: queued for destruction; \(queueWait(of: status.name, revision: applied))"
                await updateStatus(status.name) { $0.conditions.markReconciling(message, reason: .removed, at: now) }
                narrate(ReconcileStep(.queued, infrastructure: status.name, revision: applied, message: message))
            } else {
                guard status.conditions.condition(.ready)?.reason != .removed else { continue }
                let message = "removed from the repository at revision \(revision.prefix(12)); not destroyed (set `prune: true` in terrace.yaml to destroy it)"
                await updateStatus(status.name) { $0.conditions.markFailed(.removed, message, at: now) }
                narrate(ReconcileStep(.removed, level: .warning, infrastructure: status.name, revision: revision, message: message))
            }
        }
    }

    /// The repository at `revision`, loaded once and kept for the few newest revisions.
    func loadRepository(_ revision: String) async -> Result<Repository, LoadFailure> {
        if let cached = repositories[revision] { return .success(cached) }
        let result = await environment.load(revision: revision)
        guard let repository = result.repository else { return .failure(LoadFailure(diagnostics: result.diagnostics)) }
        repositories[revision] = repository
        repositoryOrder.append(revision)
        while repositoryOrder.count > 8,
            let index = repositoryOrder.firstIndex(where: { $0 != validRevision && !runningRevisions.values.contains($0) }) {
            repositories[repositoryOrder.remove(at: index)] = nil
        }
        return .success(repository)
    }

    /// Adds `item` to the queue (recording the run it supersedes) and starts what can start.
    func enqueue(_ item: ReconcileQueue.Item) {
        guard !stopping else { return }
        if item.approvedRunID == nil, awaitsDecision(item.infrastructure, at: item.revision, trigger: item.trigger) { return }
        if let superseded = queue.enqueue(item) {
            let run = ServiceRun(
                id: RunOptions.newRunID(), infrastructure: superseded.infrastructure, operation: superseded.operation,
                revision: superseded.revision, trigger: superseded.trigger, status: .superseded, replica: settings.replica,
                queuedAt: superseded.queuedAt, finishedAt: Date(),
                message: "superseded by revision \(item.revision.prefix(12)) before it started")
            let store = self.store
            Task { try? await store.saveRun(run) }
        }
        pump()
    }

    /// Starts queued runs while fewer than the maximum run.
    func pump() {
        while !stopping, running.count < settings.maxParallel, let item = queue.next(excluding: Set(running.keys)) {
            runningRevisions[item.infrastructure] = item.revision
            runsStarted[item.infrastructure, default: 0] += 1
            running[item.infrastructure] = Task {
                await self.execute(item)
                self.finished(item.infrastructure)
            }
        }
        observer.queueDepth(queue.count)
    }

    private func finished(_ name: String) {
        running[name] = nil
        runningRevisions[name] = nil
        pump()
    }

    /// Whether a newer item for `name` waits in the queue.
    func hasNewerItem(for name: String) -> Bool { queue.contains(name) }

    /// Whether the reconciler is stopping.
    var isStopping: Bool { stopping }
}

/// Why a revision cannot be loaded.
struct LoadFailure: Error {
    var diagnostics: [Diagnostic]
}
