import TerraceCore

extension KubernetesUnitExecutor {
    /// Applies an app's Application and waits until Argo CD reports it `Synced` and `Healthy` at the asked source with
    /// the last operation `Succeeded`; fails at once on `Degraded` or an error condition, with its message.
    func applyApp(_ job: UnitJob, client: KubernetesClient, progress: @escaping @Sendable (UnitPhase) -> Void)
        async throws(KubernetesError) -> UnitOutputs
    {
        let application = try ArgoCDApplication(inputs: job.inputs)
        let reference = try ObjectReference(of: application.object)
        try await client.apply(application.object)
        try await prune(previous: job.inventory, current: [reference.inventoryKey], client: client)
        progress(.wait)
        let seconds = job.inputs["timeout_seconds"].flatMap { value -> Int? in
            if case .number(let number) = value { return number.intValue }
            return nil
        } ?? 600
        let live = try await client.wait(
            for: reference, timeout: .seconds(seconds), pollInterval: settings.pollInterval, what: "Synced and Healthy"
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
        return UnitOutputs(
            values: ["revision": .string(revision), "health": .string(health), "sync_status": .string(sync)],
            inventory: [reference.inventoryKey])
    }
}
