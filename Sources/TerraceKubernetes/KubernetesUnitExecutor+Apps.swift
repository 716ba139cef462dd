import TerraceCore

extension KubernetesUnitExecutor {
    /// Applies an app's prerequisites (waiting until each is ready), its Application, waiting until Argo CD reports
    /// it `Synced` and `Healthy` at the asked source with the last operation `Succeeded` (failing at once on
    /// `Degraded` or an error condition, with its message), then its objects, each waited for until ready.
    func applyApp(_ job: UnitJob, client: KubernetesClient, progress: @escaping @Sendable (UnitPhase) -> Void)
        async throws(KubernetesError) -> UnitOutputs
    {
        let application = try ArgoCDApplication(inputs: job.inputs)
        let extra = try UnitObjects(inputs: job.inputs)
        let reference = try ObjectReference(of: application.object)
        let timeout = Duration.seconds(
            job.inputs["timeout_seconds"].flatMap { value -> Int? in
                if case .number(let number) = value { return number.intValue }
                return nil
            } ?? 600)
        let inventory = try (extra.prerequisites + [application.object] + extra.objects).map { object throws(KubernetesError) in
            try ObjectReference(of: object).inventoryKey
        }
        try await applyAndAwait(extra.prerequisites, client: client, timeout: timeout, app: application.name, progress: progress)
        try await client.apply(application.object)
        try await prune(previous: job.inventory, current: inventory, client: client)
        progress(.wait)
        let live = try await client.wait(
            for: reference, timeout: timeout, pollInterval: settings.pollInterval, what: "Synced and Healthy"
        ) { object in
            switch application.verdict(object) {
            case .ready: .done
            case .failed(let message): .failed("app `\(application.name)` failed: \(message)")
            case .waiting(let seen): .pending(seen)
            }
        }
        guard case .ready(let revision, let health, let sync) = application.verdict(live) else {
            throw KubernetesError(.invalid, "app `\(application.name)` is no longer Synced and Healthy", object: reference.description)
        }
        try await applyAndAwait(extra.objects, client: client, timeout: timeout, app: application.name, progress: progress)
        var values: [String: Value] = ["revision": .string(revision), "health": .string(health), "sync_status": .string(sync)]
        if case .map(let outputs)? = job.inputs["outputs"] {
            for (name, value) in outputs { values[name] = value }
        }
        return UnitOutputs(values: values, inventory: inventory)
    }

    /// Applies `objects` in order, once the server serves each one's kind (a chart that just synced may still be
    /// establishing its CRDs), then waits until every awaited one is ready (see ``ObjectReadiness``).
    func applyAndAwait(
        _ objects: [Value], client: KubernetesClient, timeout: Duration, app: String,
        progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(KubernetesError) {
        guard !objects.isEmpty else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        for object in objects {
            let reference = try ObjectReference(of: object)
            var interval = min(settings.pollInterval, .milliseconds(100))
            while true {
                do {
                    _ = try await client.resource(for: reference.kind)
                    break
                } catch where error.code == .notFound && clock.now < deadline {
                    // Its CRD is not Established yet: discovery is read again on the next attempt.
                    try? await Task.sleep(for: interval)
                    interval = min(interval * 2, settings.pollInterval)
                }
            }
            try await client.apply(object)
        }
        progress(.wait)
        for object in objects where ObjectReadiness.isAwaited(object) {
            let reference = try ObjectReference(of: object)
            let left = max(deadline - clock.now, .seconds(1))
            try await client.wait(for: reference, timeout: left, pollInterval: settings.pollInterval, what: "ready") { live in
                guard let live else { return .pending("it does not exist") }
                switch ObjectReadiness.of(live) {
                case .ready: return .done
                case .failed(let message): return .failed("app `\(app)`: \(reference) failed: \(message)")
                case .waiting(let seen): return .pending(seen)
                }
            }
        }
    }
}
