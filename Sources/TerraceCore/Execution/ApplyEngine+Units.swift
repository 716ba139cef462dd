import Foundation

extension ApplyEngine {
    /// Applies the declared units of `infrastructure` over its graph.
    ///
    /// In ``RunOptions/Mode/review`` mode, each changed unit is planned for review into `review` and nothing is
    /// applied; a unit depending on a changed unit is left for a follow-up run (its inputs are not known until its
    /// dependencies apply). In ``RunOptions/Mode/applyReviewed(_:)`` mode, each changed unit applies its reviewed
    /// plan exactly; one without a plan is left for a follow-up run, one whose plan no longer matches fails (noted
    /// in `review` as stale) and applies nothing.
    func applyUnits(
        _ infrastructure: Infrastructure, graph: UnitGraph, repository: Repository, keeper: RecordKeeper, options: RunOptions,
        review: ReviewBoard? = nil, events: @escaping @Sendable (RunEvent) -> Void
    ) async -> [UnitResult] {
        let board = RunBoard()
        let executor = self.executor
        let project = repository.project
        let states = await GraphScheduler.run(nodes: graph.units, dependencies: graph.upstream, parallelism: options.parallelism) { name in
            let start = Date()
            func finish(_ result: UnitResult) async -> Bool {
                var result = result
                if result.outcome == .applied || result.outcome == .failed { result.seconds = Date().timeIntervalSince(start) }
                await board.add(result)
                events(.finished(infrastructure: infrastructure.name, result: result))
                return result.outcome == .applied || result.outcome == .unchanged
            }
            guard let unit = infrastructure.unit(named: name), let module = repository.modules[unit.module] else {
                return await finish(UnitResult(unit: name, outcome: .failed, message: "unit `\(name)` has no module"))
            }
            if case .review = options.mode, let review {
                for dependency in graph.upstream[name] ?? [] where await review.changes(dependency) {
                    await review.postpone(name)
                    return true
                }
            }
            let renderer = InputRenderer(project: project, infrastructure: infrastructure, outputs: await board.outputs)
            let inputs: [String: Value]
            switch renderer.render(unit) {
            case .success(let rendered): inputs = rendered
            case .failure(let error):
                return await finish(UnitResult(unit: name, outcome: .failed, message: "inputs cannot be rendered: \(error.description)"))
            }
            let desired = DesiredState(module: module, infrastructure: infrastructure, inputs: inputs)
            let previous = await keeper.unit(name)
            if let previous, previous.digest == desired.digest, !options.forcedUnits.contains(name) {
                if case .applyReviewed(let plans) = options.mode, let plan = plans[name] {
                    // Applied meanwhile by someone else: the plan is not needed.
                    let job = UnitJob(
                        runID: options.runID, infrastructure: infrastructure.name, unit: name, module: module, inputs: inputs,
                        cloud: infrastructure.cloud, backend: infrastructure.backend)
                    await executor.discardReviewed(job, plan: plan)
                }
                await board.setOutputs(name, previous.outputs)
                return await finish(UnitResult(unit: name, outcome: .unchanged))
            }
            let job = UnitJob(
                runID: options.runID, infrastructure: infrastructure.name, unit: name, module: module, inputs: inputs,
                cloud: infrastructure.cloud, backend: infrastructure.backend, lockTimeoutSeconds: Int(options.lockTimeout.rounded(.up)),
                existingCluster: infrastructure.existingCluster, inventory: previous?.inventory ?? [],
                timeout: project.timeout(for: unit))
            let progress: @Sendable (UnitPhase) -> Void = { phase in
                events(.phase(infrastructure: infrastructure.name, unit: name, phase: phase))
            }
            var reviewed: UnitReview?
            switch options.mode {
            case .apply:
                break
            case .review:
                do throws(UnitFailure) {
                    var plan = try await executor.review(job, progress: progress)
                    plan.desiredDigest = desired.digest
                    await review?.add(plan)
                    return true
                } catch {
                    return await finish(UnitResult(
                        unit: name, outcome: .failed, message: "\(error.phase.rawValue) failed: \(error.message)", logTail: error.logTail,
                        logPath: error.logPath))
                }
            case .applyReviewed(let plans):
                guard let plan = plans[name] else {
                    let result = UnitResult(
                        unit: name, outcome: .blocked, message: "not in the approved plan: it is planned in a follow-up run")
                    await board.add(result)
                    events(.finished(infrastructure: infrastructure.name, result: result))
                    return false
                }
                guard plan.desiredDigest == desired.digest else {
                    await review?.markStale(name)
                    await executor.discardReviewed(job, plan: plan)
                    return await finish(UnitResult(
                        unit: name, outcome: .failed,
                        message: "the approved plan of `\(name)` is out of date (its inputs changed since it was planned): nothing applied"))
                }
                reviewed = plan
            }
            do throws(UnitFailure) {
                let outputs: UnitOutputs
                if let reviewed {
                    outputs = try await executor.applyReviewed(job, plan: reviewed, progress: progress)
                } else {
                    outputs = try await executor.apply(job, progress: progress)
                }
                let record = UnitRecord(
                    digest: desired.digest, moduleDigest: desired.moduleDigest, settingsDigest: desired.settingsDigest,
                    inputDigests: desired.inputDigests, outputs: outputs.values, sensitiveOutputs: outputs.sensitive.sorted(),
                    dependsOn: graph.upstream[name] ?? [], module: module.displayName, appliedAt: Date(), revision: options.revision,
                    inventory: outputs.inventory)
                do throws(StateStoreError) {
                    try await keeper.applied(name, record)
                    if unit.kind == .builtin(.kubernetes) { try await saveKubeconfig(infrastructure, keeper: keeper) }
                } catch {
                    return await finish(UnitResult(
                        unit: name, outcome: .failed, message: "applied, but the record could not be saved: \(error.message)"))
                }
                await board.setOutputs(name, outputs.values)
                return await finish(UnitResult(unit: name, outcome: .applied, outputsChanged: previous.map { $0.outputs != outputs.values } ?? true))
            } catch {
                if error.code == .stalePlan { await review?.markStale(name) }
                var message = "\(error.phase.rawValue) failed: \(error.message)"
                if let applied = error.inventory {
                    // What was applied stays tracked; the empty digest makes the next apply run the unit again.
                    var kept = previous ?? UnitRecord(
                        digest: "", moduleDigest: desired.moduleDigest, settingsDigest: desired.settingsDigest, inputDigests: [:],
                        dependsOn: graph.upstream[name] ?? [], module: module.displayName, appliedAt: Date(), revision: options.revision)
                    kept.digest = ""
                    kept.inventory = (kept.inventory ?? []) + applied.filter { !(kept.inventory ?? []).contains($0) }
                    do throws(StateStoreError) {
                        try await keeper.applied(name, kept)
                    } catch {
                        message += "; what it applied could not be recorded: \(error.message)"
                    }
                }
                return await finish(UnitResult(
                    unit: name, outcome: .failed, message: message, logTail: error.logTail, logPath: error.logPath))
            }
        }
        return await blockedResults(states, graph: graph, infrastructure: infrastructure.name, board: board, events: events)
    }

    /// Destroys `names` (all recorded) so that every unit goes before the units it depended on.
    func destroyUnits(
        _ names: [String], dependencies: [String: [String]], infrastructure: Infrastructure, repository: Repository,
        keeper: RecordKeeper, options: RunOptions, events: @escaping @Sendable (RunEvent) -> Void
    ) async -> [UnitResult] {
        guard !names.isEmpty else { return [] }
        let selected = Set(names)
        var dependents: [String: [String]] = [:]
        for name in names {
            for dependency in dependencies[name] ?? [] where selected.contains(dependency) {
                dependents[dependency, default: []].append(name)
            }
        }
        let board = RunBoard()
        let executor = self.executor
        let store = self.store
        let project = repository.project
        let recorded = await keeper.record.units
        let states = await GraphScheduler.run(nodes: names, dependencies: dependents, parallelism: options.parallelism) { name in
            let start = Date()
            let job = destroyJob(
                name, infrastructure: infrastructure, repository: repository, project: project, recorded: recorded, options: options)
            var result: UnitResult
            do throws(UnitFailure) {
                try await executor.destroy(job) { phase in
                    events(.phase(infrastructure: infrastructure.name, unit: name, phase: phase))
                }
                do throws(StateStoreError) {
                    try await keeper.destroyed(name)
                    try await store.removeUnitState(infrastructure: infrastructure.name, unit: name)
                    if name == BuiltinSection.kubernetes.rawValue {
                        try await store.removeArtifact(infrastructure: infrastructure.name, name: Self.kubeconfigArtifact)
                    }
                    result = UnitResult(unit: name, outcome: .destroyed)
                } catch {
                    result = UnitResult(unit: name, outcome: .failed, message: "destroyed, but the record could not be saved: \(error.message)")
                }
            } catch {
                result = UnitResult(
                    unit: name, outcome: .failed, message: "\(error.phase.rawValue) failed: \(error.message)", logTail: error.logTail,
                    logPath: error.logPath)
            }
            result.seconds = Date().timeIntervalSince(start)
            await board.add(result)
            events(.finished(infrastructure: infrastructure.name, result: result))
            return result.outcome == .destroyed
        }
        let graph = UnitGraph(units: names, upstream: dependents)
        return await blockedResults(states, graph: graph, infrastructure: infrastructure.name, board: board, events: events)
    }

    /// The job that destroys a recorded unit: with its declared module and inputs rendered from recorded outputs;
    /// for a unit no longer declared (or whose inputs cannot be rendered), with an empty configuration, which
    /// makes Terraform destroy everything its state holds. A Kubernetes unit deletes its recorded inventory; one no
    /// longer declared reaches the cluster through the `kubernetes` unit's recorded outputs.
    private func destroyJob(
        _ name: String, infrastructure: Infrastructure, repository: Repository, project: Project,
        recorded: [String: UnitRecord], options: RunOptions
    ) -> UnitJob {
        let lockTimeout = Int(options.lockTimeout.rounded(.up))
        let inventory = recorded[name]?.inventory ?? []
        func job(_ module: ResolvedModule, _ inputs: [String: Value]) -> UnitJob {
            UnitJob(
                runID: options.runID, infrastructure: infrastructure.name, unit: name, module: module, inputs: inputs,
                cloud: infrastructure.cloud, backend: infrastructure.backend, lockTimeoutSeconds: lockTimeout,
                existingCluster: infrastructure.existingCluster, inventory: inventory,
                timeout: project.timeout(for: infrastructure.unit(named: name)))
        }
        if let unit = infrastructure.unit(named: name), let module = repository.modules[unit.module] {
            let renderer = InputRenderer(project: project, infrastructure: infrastructure, outputs: recorded.mapValues(\.outputs))
            if case .success(let inputs) = renderer.render(unit), !inputs.values.contains(where: \.containsUnknown) {
                return job(module, inputs)
            }
        }
        let shownModule = recorded[name]?.module ?? "(removed)"
        if let kind = KubernetesUnitKind.allCases.first(where: { "kubernetes:\($0.rawValue)" == shownModule }) {
            var inputs: [String: Value] = [:]
            let cluster = recorded[BuiltinSection.kubernetes.rawValue]?.outputs ?? [:]
            for (input, output) in [("cluster_name", "cluster_name"), ("cluster_endpoint", "endpoint"), ("cluster_ca_data", "ca_data")] {
                inputs[input] = cluster[output]
            }
            return job(kind.module(repositoryRoot: repository.root), inputs)
        }
        let empty = ResolvedModule(
            source: .builtin(""), directory: "", displayName: shownModule, declarations: ModuleDeclarations(),
            digest: ContentDigest.of(""))
        return job(empty, [:])
    }

    /// The name of the cluster's kubeconfig kept beside the record (`terrace/<infra>/kubeconfig` in the bucket).
    static let kubeconfigArtifact = "kubeconfig"

    /// Keeps a kubeconfig for the cluster the `kubernetes` unit just applied beside the record, so that people reach
    /// it with `kubectl` at once. It holds no credential: an `aws eks get-token` exec plugin gets one.
    private func saveKubeconfig(_ infrastructure: Infrastructure, keeper: RecordKeeper) async throws(StateStoreError) {
        guard let kubeconfig = ClusterKubeconfig(infrastructure: infrastructure, record: await keeper.record),
            let yaml = try? kubeconfig.yaml()
        else { return }
        try await store.saveArtifact(infrastructure: infrastructure.name, name: Self.kubeconfigArtifact, contents: Array(yaml.utf8))
    }

    /// Results for the units the scheduler blocked, naming the failed units they waited for.
    private func blockedResults(
        _ states: [String: GraphScheduler.NodeState], graph: UnitGraph, infrastructure: String, board: RunBoard,
        events: @escaping @Sendable (RunEvent) -> Void
    ) async -> [UnitResult] {
        let stopped = Set(states.filter { $0.value == .failed }.map(\.key))
        let deferred = Set(await board.results.filter { $0.outcome == .blocked && stopped.contains($0.unit) }.map(\.unit))
        let failed = stopped.subtracting(deferred)
        for name in graph.units where states[name] == .blocked {
            let causes = graph.allUpstream(of: name).intersection(failed).sorted()
            let waits = graph.allUpstream(of: name).intersection(deferred).sorted()
            let message = !causes.isEmpty
                ? "not run: depends on failed unit " + causes.map { "`\($0)`" }.joined(separator: ", ")
                : waits.isEmpty ? "not run" : "not run: planned in a follow-up run, after " + waits.map { "`\($0)`" }.joined(separator: ", ")
            let result = UnitResult(unit: name, outcome: .blocked, message: message)
            await board.add(result)
            events(.finished(infrastructure: infrastructure, result: result))
        }
        return await board.results
    }
}
