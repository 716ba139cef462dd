import Foundation

extension Reconciler {
    /// Checks every applied infrastructure of the newest valid revision for drift: `terraform plan` of each
    /// unit whose desired state is recorded (at most ``ReconcilerSettings/driftParallelism`` at once). A unit with
    /// changes is marked `Drifted` with the resource summary; an infrastructure with `drift: correct` is queued
    /// to apply its drifted units again. Infrastructures running or queued are skipped (their run comes first).
    public func checkDrift() async {
        guard !checkingDrift, !stopping, let revision = validRevision, let repository = repositories[revision] else { return }
        checkingDrift = true
        defer { checkingDrift = false }
        for infrastructure in repository.infrastructures {
            guard !stopping, running[infrastructure.name] == nil, !queue.contains(infrastructure.name) else { continue }
            let drifted = try? await store.withInfrastructureLock(infrastructure.name) {
                await self.checkDrift(of: infrastructure, in: repository)
            }
            if let drifted = drifted ?? nil, !drifted.isEmpty, infrastructure.correctDrift {
                enqueue(ReconcileQueue.Item(infrastructure: infrastructure.name, revision: revision, trigger: .drift, forcedUnits: drifted))
            }
        }
    }

    /// Plans the recorded, unchanged units of `infrastructure` and records what drifted; returns the drifted units,
    /// or nil when the infrastructure was not checked.
    nonisolated func checkDrift(of infrastructure: Infrastructure, in repository: Repository) async -> Set<String>? {
        let name = infrastructure.name
        guard let record = try? await environment.record(of: infrastructure),
            case .success(let plan) = Planner.plan(infrastructure, in: repository, record: record)
        else { return nil }
        let outputs = record.units.mapValues(\.outputs)
        let renderer = InputRenderer(project: repository.project, infrastructure: infrastructure, outputs: outputs)
        let runID = "drift-" + RunOptions.newRunID()
        var jobs: [String: UnitJob] = [:]
        for unitPlan in plan.units where unitPlan.action == .unchanged {
            guard let unit = infrastructure.unit(named: unitPlan.name), let module = repository.modules[unit.module],
                case .success(let inputs) = renderer.render(unit)
            else { continue }
            jobs[unit.name] = UnitJob(
                runID: runID, infrastructure: name, unit: unit.name, module: module, inputs: inputs,
                cloud: infrastructure.cloud, backend: infrastructure.backend, existingCluster: infrastructure.existingCluster,
                inventory: record.units[unit.name]?.inventory ?? [], timeout: repository.project.timeout(for: unit))
        }
        let names = jobs.keys.sorted()
        let results = await Planner.summaries(
            of: names.compactMap { jobs[$0] }, executor: environment.executor(repository.project.terraform.binary), parallelism: settings.driftParallelism)
        var drifted: Set<String> = []
        var failures: [String: String] = [:]
        var summaries: [String: ResourceSummary] = [:]
        for (index, unit) in names.enumerated() {
            switch results[index] {
            case .success(let summary) where summary.hasChanges:
                drifted.insert(unit)
                summaries[unit] = summary
            case .success:
                summaries[unit] = ResourceSummary()
            case .failure(let failure):
                failures[unit] = failure.message
            case nil:
                break
            }
        }
        let found = drifted
        let failed = failures
        let clean = summaries
        let inCluster = Set(jobs.values.filter(\.isKubernetes).map(\.unit))
        await updateStatus(name) { status in
            let now = Date()
            status.lastDriftCheck = now
            for unit in clean.keys.sorted() {
                status.updateUnit(unit) { unitStatus in
                    if let summary = clean[unit], summary.hasChanges {
                        unitStatus.drift = summary
                        let what = inCluster.contains(unit)
                            ? "objects in the cluster differ from what Terrace applied (server-side dry run)"
                            : "resources changed outside Terraform"
                        unitStatus.conditions.markFailed(.drifted, "\(what): \(summary) (add, change, destroy)", at: now)
                    } else {
                        unitStatus.drift = nil
                        unitStatus.conditions.markReady("up to date; no drift", at: now)
                    }
                }
            }
            for (unit, message) in failed {
                status.updateUnit(unit) { $0.conditions.markFailed(.planFailed, "drift check failed: \(message)", at: now) }
            }
            let units = status.units
            guard status.conditions.condition(.reconciling) == nil else { return }
            if !found.isEmpty {
                let list = found.sorted().map { "`\($0)`" }.joined(separator: ", ")
                let action = infrastructure.correctDrift ? "; correcting (drift: correct)" : "; reported only (set `drift: correct` to repair)"
                status.conditions.markFailed(.drifted, "drift in \(list)\(action)", at: now)
            } else if status.conditions.condition(.ready)?.reason == .drifted, !units.contains(where: { $0.drift != nil }) {
                status.conditions.markReady("no drift", at: now)
            }
        }
        return drifted
    }
}
