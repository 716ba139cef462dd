extension Planner {
    /// Runs `terraform plan` (through `executor`) for every unit of `plan` that would be created or updated and
    /// whose inputs are all known, filling in its resource summary; at most `parallelism` at once.
    /// Units whose inputs wait for upstream outputs get a note instead.
    public static func addResourceSummaries(
        to plan: Plan, repository: Repository, records: [String: InfrastructureRecord], executor: any UnitExecutor,
        runID: String, parallelism: Int, skip: [String: String] = [:]
    ) async -> Plan {
        var plan = plan
        var pending: [(Int, Int, UnitJob)] = []
        for (infraIndex, infrastructurePlan) in plan.infrastructures.enumerated() {
            guard let infrastructure = repository.infrastructure(named: infrastructurePlan.name) else { continue }
            let outputs = (records[infrastructure.name]?.units ?? [:]).mapValues(\.outputs)
            for (unitIndex, unitPlan) in infrastructurePlan.units.enumerated() where unitPlan.action == .create || unitPlan.action == .update {
                if let reason = skip[infrastructure.name] {
                    plan.infrastructures[infraIndex].units[unitIndex].resourcesNote = reason
                    continue
                }
                guard unitPlan.digest != nil, let unit = infrastructure.unit(named: unitPlan.name),
                    let module = repository.modules[unit.module],
                    case .success(let inputs) = InputRenderer(project: repository.project, infrastructure: infrastructure, outputs: outputs).render(unit)
                else {
                    plan.infrastructures[infraIndex].units[unitIndex].resourcesNote = "known after upstream apply"
                    continue
                }
                pending.append((infraIndex, unitIndex, UnitJob(
                    runID: runID, infrastructure: infrastructure.name, unit: unit.name, module: module, inputs: inputs,
                    cloud: infrastructure.cloud, backend: infrastructure.backend, existingCluster: infrastructure.existingCluster,
                    inventory: records[infrastructure.name]?.units[unit.name]?.inventory ?? [],
                    timeout: repository.project.timeout(for: unit))))
            }
        }
        let jobs = pending
        let results = await summaries(of: jobs.map(\.2), executor: executor, parallelism: parallelism)
        for (index, (infraIndex, unitIndex, job)) in jobs.enumerated() {
            switch results[index] {
            case .success(let summary): plan.infrastructures[infraIndex].units[unitIndex].resources = summary
            case .failure(let failure):
                let what = job.isKubernetes ? "server-side dry run failed" : "terraform plan failed"
                plan.infrastructures[infraIndex].units[unitIndex].resourcesNote = "\(what): \(failure.message)"
            case nil: break
            }
        }
        return plan
    }

    /// Plans `jobs` with `executor`, at most `parallelism` at once; returns each job's summary or failure, by index.
    public static func summaries(
        of jobs: [UnitJob], executor: any UnitExecutor, parallelism: Int
    ) async -> [Int: Result<ResourceSummary, UnitFailure>] {
        let keys = jobs.indices.map(String.init)
        let collector = SummaryCollector()
        _ = await GraphScheduler.run(nodes: keys, dependencies: [:], parallelism: parallelism) { key in
            guard let index = Int(key) else { return false }
            do throws(UnitFailure) {
                await collector.set(index, .success(try await executor.plan(jobs[index]) { _ in }))
            } catch {
                await collector.set(index, .failure(error))
            }
            return true
        }
        return await collector.results
    }
}
