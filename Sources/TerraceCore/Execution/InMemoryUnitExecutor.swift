import Foundation

/// A ``UnitExecutor`` for tests: forks nothing, records every call, returns configured outputs and failures.
public actor InMemoryUnitExecutor: UnitExecutor {
    /// One call made to the executor.
    public struct Call: Hashable, Sendable {
        /// `plan`, `apply` or `destroy`.
        public var operation: String
        /// The unit.
        public var unit: String
        /// The job's inputs.
        public var inputs: [String: Value]
        /// Whether the job had an empty configuration (destroying a unit no longer declared).
        public var emptyConfiguration: Bool
        /// The inventory the job carried (what a Kubernetes unit applied last time).
        public var inventory: [String] = []
        /// Whether the job was for a Kubernetes unit.
        public var isKubernetes = false
    }

    /// Every call, in order.
    public private(set) var calls: [Call] = []
    /// The outputs each unit's apply returns, by unit.
    private var outputs: [String: UnitOutputs]
    /// Units whose apply or destroy fails.
    private var failing: Set<String>
    private var planSummaries: [String: ResourceSummary] = [:]
    /// The plans kept by `review`, by plan id; `applyReviewed` of a plan not kept here is stale.
    public private(set) var keptPlans: Set<String> = []
    /// How long each call takes.
    private var delay: Duration
    private var running = 0
    /// Units whose apply waits until it is stopped.
    private var hanging: Set<String> = []
    /// The most calls that ran at the same time.
    public private(set) var maxConcurrent = 0

    /// Creates an executor; units not listed in `outputs` return `defaultOutputs(_:)`.
    public init(outputs: [String: UnitOutputs] = [:], failing: Set<String> = [], delay: Duration = .zero) {
        self.outputs = outputs
        self.failing = failing
        self.delay = delay
    }

    /// Changes what a unit's apply returns.
    public func setOutputs(_ unit: String, _ values: UnitOutputs) { outputs[unit] = values }
    /// Makes a unit's apply and destroy fail (or succeed again).
    public func setFailing(_ units: Set<String>) { failing = units }
    /// Makes the applies of `units` hang until stopped: by their job's timeout (``UnitJob/withinTimeout(_:)``, then
    /// they fail with `.timedOut`) or by cancellation (`.cancelled`).
    public func setHanging(_ units: Set<String>) { hanging = units }
    /// Makes every call take `delay`.
    public func setDelay(_ delay: Duration) { self.delay = delay }
    /// Makes `plan` of `unit` report `summary` (by default every plan adds one resource).
    public func setPlanSummary(_ unit: String, _ summary: ResourceSummary) { planSummaries[unit] = summary }
    /// Forgets a kept plan as if the state had moved since it was made: applying it is then refused as stale.
    public func makeStale(_ planID: String) { keptPlans.remove(planID) }
    /// Forgets the calls so far.
    public func resetCalls() { calls = [] }

    /// The units applied (with or without a reviewed plan), in call order.
    public var appliedUnits: [String] { calls.filter { $0.operation == "apply" || $0.operation == "apply-reviewed" }.map(\.unit) }

    private func begin(_ operation: String, _ job: UnitJob) {
        calls.append(Call(
            operation: operation, unit: job.unit, inputs: job.inputs, emptyConfiguration: job.module.directory.isEmpty,
            inventory: job.inventory, isKubernetes: job.isKubernetes))
        running += 1
        maxConcurrent = max(maxConcurrent, running)
    }

    private func end() { running -= 1 }

    private func pause() async {
        if delay > .zero { try? await Task.sleep(for: delay) }
    }

    public func plan(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary {
        begin("plan", job)
        defer { end() }
        progress(.plan)
        await pause()
        return planSummaries[job.unit] ?? ResourceSummary(add: 1)
    }

    public func apply(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        guard hanging.contains(job.unit) else { return try await applyNow(job, progress: progress) }
        return try await job.withinTimeout { () async throws(UnitFailure) -> UnitOutputs in
            try await self.applyNow(job, progress: progress)
        }
    }

    private func applyNow(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        begin("apply", job)
        defer { end() }
        progress(.`init`)
        progress(.apply)
        if hanging.contains(job.unit) {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            throw UnitFailure(.cancelled, phase: .apply, "cancelled while applying", logTail: ["Applying…"], stopNote: "the apply was stopped")
        }
        await pause()
        if failing.contains(job.unit) {
            throw UnitFailure(.terraform, phase: .apply, "provider rejected the request", logTail: ["Error: invalid value"])
        }
        return outputs[job.unit] ?? Self.defaultOutputs(job)
    }

    /// What an apply returns when no outputs were configured: `"<unit>-<output>"` for every output the module
    /// declares (as Terraform returns every declared output), and `id`; a Kubernetes unit's inventory is one
    /// ConfigMap named after the unit.
    static func defaultOutputs(_ job: UnitJob) -> UnitOutputs {
        var values: [String: Value] = ["id": .string("\(job.unit)-id")]
        for name in job.module.declarations.outputs.keys { values[name] = .string("\(job.unit)-\(name)") }
        return UnitOutputs(values: values, inventory: job.isKubernetes ? ["v1 ConfigMap default/\(job.unit)"] : nil)
    }

    public func destroy(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) {
        begin("destroy", job)
        defer { end() }
        progress(.destroy)
        await pause()
        if failing.contains(job.unit) {
            throw UnitFailure(.terraform, phase: .destroy, "resource is still in use")
        }
    }

    public func review(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview {
        begin("review", job)
        defer { end() }
        progress(.plan)
        await pause()
        if failing.contains(job.unit) {
            throw UnitFailure(.terraform, phase: .plan, "provider rejected the request", logTail: ["Error: invalid value"])
        }
        let summary = planSummaries[job.unit] ?? ResourceSummary(add: 1)
        var changes: [PlannedChange] = []
        for index in 0..<summary.add {
            changes.append(PlannedChange(address: "test_resource.\(job.unit)_\(index)", action: "create", attributes: [
                AttributeChange(path: "name", before: nil, after: "\"\(job.unit)\""),
            ]))
        }
        for index in 0..<summary.change {
            changes.append(PlannedChange(address: "test_resource.\(job.unit)_changed_\(index)", action: "update", attributes: []))
        }
        for index in 0..<summary.destroy {
            changes.append(PlannedChange(address: "test_resource.\(job.unit)_deleted_\(index)", action: "delete", attributes: []))
        }
        let planID = "\(job.runID)/\(job.unit)"
        keptPlans.insert(planID)
        return UnitReview(
            unit: job.unit, summary: summary, changes: changes, planID: planID,
            planDigest: ContentDigest.of(planID + "\(job.inputs)"), desiredDigest: "")
    }

    public func applyReviewed(
        _ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> UnitOutputs {
        // A stale plan is refused before anything is applied (and recorded as applied).
        guard keptPlans.remove(plan.planID) != nil else {
            throw UnitFailure(.stalePlan, phase: .apply, "the saved plan of `\(job.unit)` is stale: the state changed since it was made")
        }
        begin("apply-reviewed", job)
        defer { end() }
        progress(.apply)
        await pause()
        if failing.contains(job.unit) {
            throw UnitFailure(.terraform, phase: .apply, "provider rejected the request", logTail: ["Error: invalid value"])
        }
        return outputs[job.unit] ?? Self.defaultOutputs(job)
    }

    public func discardReviewed(_ job: UnitJob, plan: UnitReview) async {
        keptPlans.remove(plan.planID)
    }
}
