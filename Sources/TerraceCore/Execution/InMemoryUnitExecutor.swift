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
    /// How long each call takes.
    private var delay: Duration
    private var running = 0
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
    /// Makes every call take `delay`.
    public func setDelay(_ delay: Duration) { self.delay = delay }
    /// Makes `plan` of `unit` report `summary` (by default every plan adds one resource).
    public func setPlanSummary(_ unit: String, _ summary: ResourceSummary) { planSummaries[unit] = summary }
    /// Forgets the calls so far.
    public func resetCalls() { calls = [] }

    /// The units applied, in call order.
    public var appliedUnits: [String] { calls.filter { $0.operation == "apply" }.map(\.unit) }

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
        begin("apply", job)
        defer { end() }
        progress(.`init`)
        progress(.apply)
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
}
