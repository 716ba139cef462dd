import Foundation

/// Applies and destroys infrastructures: units in dependency order, in parallel where the graph allows,
/// skipping every unit whose desired state is already applied.
///
/// One run is a fixed sequence of steps: take the infrastructure's lock; load its record; destroy units no
/// longer declared (dependents first); apply declared units (a unit starts once its dependencies succeeded;
/// an unchanged unit runs no Terraform and hands on its recorded outputs, so an apply whose outputs did not
/// change cuts off its dependents too); release the lock. A failed unit blocks its dependents and lets
/// independent units finish. The record is saved after every unit.
public struct ApplyEngine: Sendable {
    /// Runs Terraform.
    public var executor: any UnitExecutor
    /// Keeps the records.
    public var store: any StateStore
    /// Locks infrastructures; nil runs without a lock.
    public var lock: (any StateLock)?

    /// Creates an engine.
    public init(executor: any UnitExecutor, store: any StateStore, lock: (any StateLock)?) {
        self.executor = executor
        self.store = store
        self.lock = lock
    }

    /// Applies `infrastructure`; never throws: every problem is in the returned run.
    public func apply(
        _ infrastructure: Infrastructure, in repository: Repository, options: RunOptions,
        events: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) async -> InfrastructureRun {
        await withRun(infrastructure.name, operation: "apply", options: options, events: events) { keeper in
            let graph = repository.graphs[infrastructure.name] ?? UnitGraph.build(infrastructure).0
            events(.started(infrastructure: infrastructure.name, operation: "apply", units: graph.units))
            let record = await keeper.record
            let withState = await statefulUnits(infrastructure.name, record: record)
            let removed = withState.filter { infrastructure.unit(named: $0) == nil }
            var results = await destroyUnits(
                removed, dependencies: Self.destroyDependencies(record, units: withState), infrastructure: infrastructure,
                repository: repository, keeper: keeper, options: options, events: events)
            guard results.allSatisfy({ $0.outcome == .destroyed }) else {
                // Applying on top of a half-removed graph could recreate what failed to go: stop here.
                return results + graph.units.map {
                    UnitResult(unit: $0, outcome: .blocked, message: "not run: removing units failed")
                }
            }
            results += await applyUnits(infrastructure, graph: graph, repository: repository, keeper: keeper, options: options, events: events)
            return results
        }
    }

    /// Plans the changed units of `infrastructure` for review, under its lock, and applies nothing: each changed
    /// unit whose inputs are known now gets a kept plan; units depending on changed units are left for a follow-up
    /// run. Returns the run (failures, timings) and the review.
    public func review(
        _ infrastructure: Infrastructure, in repository: Repository, options: RunOptions,
        events: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) async -> (InfrastructureRun, RunReview) {
        var options = options
        options.mode = .review
        let board = ReviewBoard()
        let run = await withRun(infrastructure.name, operation: "plan", options: options, events: events) { keeper in
            let graph = repository.graphs[infrastructure.name] ?? UnitGraph.build(infrastructure).0
            events(.started(infrastructure: infrastructure.name, operation: "plan", units: graph.units))
            return await applyUnits(
                infrastructure, graph: graph, repository: repository, keeper: keeper, options: options, review: board, events: events)
        }
        let review = RunReview(
            revision: options.revision ?? "", plannedAt: Date(), units: await board.plans, deferred: await board.deferred)
        return (run, review)
    }

    /// Applies exactly the reviewed plans `plans` (``RunOptions/Mode/applyReviewed(_:)``); returns the run and the
    /// units whose plan no longer matched (nothing of theirs was applied).
    public func applyReviewed(
        _ infrastructure: Infrastructure, in repository: Repository, plans: [UnitReview], options: RunOptions,
        events: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) async -> (InfrastructureRun, stale: [String]) {
        var options = options
        options.mode = .applyReviewed(Dictionary(plans.map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first }))
        let board = ReviewBoard()
        let run = await withRun(infrastructure.name, operation: "apply", options: options, events: events) { keeper in
            let graph = repository.graphs[infrastructure.name] ?? UnitGraph.build(infrastructure).0
            events(.started(infrastructure: infrastructure.name, operation: "apply", units: graph.units))
            return await applyUnits(
                infrastructure, graph: graph, repository: repository, keeper: keeper, options: options, review: board, events: events)
        }
        return (run, await board.stale)
    }

    /// Destroys every recorded unit of `infrastructure` in reverse dependency order, then its record.
    public func destroy(
        _ infrastructure: Infrastructure, in repository: Repository, options: RunOptions,
        events: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) async -> InfrastructureRun {
        await withRun(infrastructure.name, operation: "destroy", options: options, events: events) { keeper in
            let record = await keeper.record
            let names = await statefulUnits(infrastructure.name, record: record)
            events(.started(infrastructure: infrastructure.name, operation: "destroy", units: names))
            let results = await destroyUnits(
                names, dependencies: Self.destroyDependencies(record, units: names), infrastructure: infrastructure,
                repository: repository, keeper: keeper, options: options, events: events)
            if results.allSatisfy({ $0.outcome == .destroyed }) {
                try? await store.remove(infrastructure: infrastructure.name)
            }
            return results
        }
    }

    /// What each of `units` depended on, for destroying in reverse order: its recorded dependencies, and `backend`
    /// for every other unit. Every unit's Terraform state is encrypted with the KMS key `backend` manages,
    /// so `backend` goes last even where applying never waited for it (`network`, `domain`).
    static func destroyDependencies(_ record: InfrastructureRecord, units: [String]) -> [String: [String]] {
        var dependencies = record.units.mapValues(\.dependsOn)
        guard units.contains("backend") else { return dependencies }
        for unit in units where unit != "backend" && !(dependencies[unit]?.contains("backend") ?? false) {
            dependencies[unit, default: []].append("backend")
        }
        return dependencies
    }

    /// The recorded units plus those with Terraform state but no record (left by a failed first apply), sorted.
    /// When the state cannot be listed, the recorded units alone.
    private func statefulUnits(_ infrastructure: String, record: InfrastructureRecord) async -> [String] {
        let unrecorded = (try? await store.unitsWithState(infrastructure: infrastructure)) ?? []
        return Set(record.units.keys).union(unrecorded).sorted()
    }

    /// Takes the lock, loads the record, runs `body`, releases the lock, and times it all.
    private func withRun(
        _ name: String, operation: String, options: RunOptions, events: @escaping @Sendable (RunEvent) -> Void,
        _ body: (RecordKeeper) async -> [UnitResult]
    ) async -> InfrastructureRun {
        let start = Date()
        var run = InfrastructureRun(infrastructure: name, operation: operation)
        var held: LockInfo?
        if let lock {
            do throws(LockError) {
                held = try await lock.acquire(infrastructure: name, operation: operation, timeout: options.lockTimeout)
            } catch {
                run.error = error.message
            }
        }
        if run.error == nil {
            do throws(StateStoreError) {
                let record = try await store.load(infrastructure: name) ?? InfrastructureRecord(infrastructure: name)
                run.results = await body(RecordKeeper(record: record, store: store))
            } catch {
                run.error = error.message
            }
        }
        if let held, let lock {
            // Released even when the run is being cancelled (a service shutting down): a lock left behind would
            // block the next run.
            let released = await Task.detached { () -> LockError? in
                do throws(LockError) {
                    try await lock.release(held)
                    return nil
                } catch {
                    return error
                }
            }.value
            if let released {
                run.error = run.error ?? "the lock could not be released: \(released.message)"
            }
        }
        run.seconds = Date().timeIntervalSince(start)
        events(.completed(run))
        return run
    }
}
