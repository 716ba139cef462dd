/// Computes what would change, offline: compares each unit's desired state with the record of its last apply.
public enum Planner {
    /// Plans the infrastructures of `repository` named in `selection` (all when nil), given their records.
    ///
    /// Returns diagnostics instead of a plan when an input cannot be rendered (for example an index
    /// out of range in a recorded output).
    public static func plan(
        _ repository: Repository, records: [String: InfrastructureRecord], selection: Set<String>? = nil
    ) -> Result<Plan, PlanFailure> {
        var plans: [InfrastructurePlan] = []
        var diagnostics: [Diagnostic] = []
        for infrastructure in repository.infrastructures where selection?.contains(infrastructure.name) ?? true {
            switch plan(infrastructure, in: repository, record: records[infrastructure.name]) {
            case .success(let plan): plans.append(plan)
            case .failure(let failure): diagnostics += failure.diagnostics
            }
        }
        guard diagnostics.isEmpty else { return .failure(PlanFailure(diagnostics: diagnostics.sortedByLocation())) }
        return .success(Plan(infrastructures: plans))
    }

    /// Plans one infrastructure.
    public static func plan(
        _ infrastructure: Infrastructure, in repository: Repository, record: InfrastructureRecord?
    ) -> Result<InfrastructurePlan, PlanFailure> {
        let graph = repository.graphs[infrastructure.name] ?? UnitGraph.build(infrastructure).0
        let recorded = record?.units ?? [:]
        var renderer = InputRenderer(project: repository.project, infrastructure: infrastructure, outputs: [:])
        var actions: [String: UnitAction] = [:]
        var plans: [UnitPlan] = []
        var diagnostics: [Diagnostic] = []

        for name in graph.topologicalOrder() {
            guard let unit = infrastructure.unit(named: name), let module = repository.modules[unit.module] else { continue }
            let unitRecord = recorded[name]
            let referenced = Set(unit.inputs.values.flatMap(\.references).compactMap(\.path.first))
            let pending = (graph.upstream[name] ?? []).filter { referenced.contains($0) && actions[$0] != .unchanged }
            let inputs: [String: Value]
            switch renderer.render(unit) {
            case .success(let rendered): inputs = rendered
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                continue
            }
            let known = !inputs.values.contains { $0.containsUnknown }
            let desired = known ? DesiredState(module: module, infrastructure: infrastructure, inputs: inputs) : nil
            var plan = UnitPlan(
                name: name, kind: unit.kind.label, module: module.displayName,
                action: .create, pendingUpstream: pending, reasons: [], dependsOn: graph.upstream[name] ?? [],
                digest: desired?.digest, recordedDigest: unitRecord?.digest, resources: nil, resourcesNote: nil)
            if let unitRecord {
                if let desired {
                    let reasons = desired.reasons(comparedTo: unitRecord)
                    plan.action = reasons.isEmpty ? .unchanged : .update
                    plan.reasons = reasons
                } else {
                    plan.action = .update
                    plan.reasons = ["waits for outputs of " + pending.joined(separator: ", ")]
                }
            } else {
                plan.reasons = ["not applied yet"]
            }
            actions[name] = plan.action
            if plan.action == .unchanged, let unitRecord { renderer.outputs[name] = unitRecord.outputs }
            plans.append(plan)
        }

        let removed = destroyOrder(recorded.filter { infrastructure.unit(named: $0.key) == nil })
        let destroys = removed.map { name -> UnitPlan in
            let unitRecord = recorded[name]
            return UnitPlan(
                name: name, kind: "removed", module: unitRecord?.module ?? "", action: .destroy, pendingUpstream: [],
                reasons: ["no longer declared"], dependsOn: unitRecord?.dependsOn ?? [], digest: nil,
                recordedDigest: unitRecord?.digest, resources: nil, resourcesNote: nil)
        }
        guard diagnostics.isEmpty else { return .failure(PlanFailure(diagnostics: diagnostics)) }
        return .success(InfrastructurePlan(name: infrastructure.name, file: infrastructure.file, units: destroys + plans))
    }

    /// Removed units in the order to destroy them: dependents before their dependencies.
    static func destroyOrder(_ records: [String: UnitRecord]) -> [String] {
        let names = records.keys.sorted()
        let graph = UnitGraph(units: names, upstream: records.mapValues(\.dependsOn))
        let ordered = graph.topologicalOrder()
        let onCycles = names.filter { !ordered.contains($0) }
        return (ordered + onCycles).reversed()
    }
}
