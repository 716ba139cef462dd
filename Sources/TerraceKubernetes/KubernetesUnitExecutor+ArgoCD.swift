import TerraceCore

extension KubernetesUnitExecutor {
    /// The objects of an `argocd` job.
    func argoCDObjects(_ job: UnitJob) async throws(KubernetesError) -> ArgoCDObjects {
        let inputs = job.inputs
        guard let version = inputs["version"]?.stringValue, let location = inputs["manifest"]?.stringValue,
            let sha256 = inputs["sha256"]?.stringValue, let namespace = inputs["namespace"]?.stringValue
        else {
            throw KubernetesError(.invalid, "the `argocd` unit needs its version, manifest, checksum and namespace")
        }
        let access = try ArgoCDInstall.Access(inputs: inputs)
        let selfManaging = try ArgoCDApplication.selfManaging(inputs: inputs)
        let bytes = try await manifests.manifest(at: location, root: job.module.directory, expectedSHA256: sha256)
        let install = try ArgoCDInstall(
            manifest: bytes, version: version, sha256: sha256, namespace: namespace, access: access, source: location)
        let facts = ArgoCDInstall.ClusterFacts(
            clusterName: inputs["cluster_name"]?.stringValue ?? job.infrastructure, region: inputs["region"]?.stringValue,
            accountID: inputs["account_id"]?.stringValue, vpcID: inputs["vpc_id"]?.stringValue,
            domain: inputs["domain"]?.stringValue, zoneID: inputs["zone_id"]?.stringValue,
            enabledAddons: Set((inputs["addons"]?.listValue ?? []).compactMap(\.stringValue)),
            roleARNs: (inputs["role_arns"].flatMap { value -> [String: Value]? in
                if case .map(let entries) = value { return entries }
                return nil
            } ?? [:]).compactMapValues(\.stringValue))
        return ArgoCDObjects(install: install, secret: try install.clusterSecret(facts), selfManaging: selfManaging)
    }

    /// Bootstraps Argo CD: the Namespace, the CRDs (awaited until `Established`), everything else, the cluster Secret;
    /// then deletes what the previous version had and this one has not, and waits until Argo CD's Deployments and
    /// StatefulSet are available. Last, Argo CD is handed itself: the self-managing Application is applied and
    /// awaited until `Synced` and `Healthy`, within the Argo CD timeout.
    ///
    /// When the previous apply had Argo CD manage itself, its Application is brought up to date first (or deleted,
    /// when no longer rendered), so that the running Argo CD does not heal the install back to the version it follows
    /// while Terrace applies another.
    func applyArgoCD(_ job: UnitJob, client: KubernetesClient, progress: @escaping @Sendable (UnitPhase) -> Void)
        async throws(KubernetesError) -> UnitOutputs
    {
        let rendered = try await argoCDObjects(job)
        let install = rendered.install
        let selfReference = try rendered.selfManaging.map { application throws(KubernetesError) in
            try ObjectReference(of: application.object)
        }
        let previousSelf = job.inventory.filter { key in
            guard let reference = ObjectReference(inventoryKey: key) else { return false }
            return reference.kind.apiVersion == ArgoCDApplication.apiVersion && reference.kind.kind == "Application"
                && reference.name == ArgoCDApplication.selfManagedName
        }
        if let selfManaging = rendered.selfManaging, previousSelf.contains(selfReference?.inventoryKey ?? "") {
            do {
                try await client.apply(selfManaging.object)
            } catch where error.code == .notFound {
                // Argo CD's CRDs are gone: the bootstrap below installs them again, and the Application last.
            }
        }
        try await delete(previousSelf.filter { $0 != selfReference?.inventoryKey }, client: client)

        let bootstrapper = ArgoCDBootstrapper(client: client, settings: settings)
        let applied = try await bootstrapper.apply(install, secret: rendered.secret)
        let inventory = try (applied + (rendered.selfManaging.map { [$0.object] } ?? [])).map { object throws(KubernetesError) in
            try ObjectReference(of: object).inventoryKey
        }
        try await prune(previous: job.inventory, current: inventory, client: client)
        progress(.wait)
        try await bootstrapper.waitUntilAvailable(install)
        if let selfManaging = rendered.selfManaging, let selfReference {
            try await client.apply(selfManaging.object)
            try await client.wait(
                for: selfReference, timeout: settings.argoCDReadyTimeout, pollInterval: settings.pollInterval,
                what: "Synced and Healthy"
            ) { object in
                switch selfManaging.verdict(object) {
                case .ready: .done
                case .failed(let message): .failed("Argo CD's own Application `\(selfManaging.name)` failed: \(message)")
                case .waiting(let seen): .pending(seen)
                }
            }
        }
        return UnitOutputs(
            values: [
                "namespace": .string(install.namespace), "version": .string(install.version),
                "url": install.access.map { .string($0.url) } ?? .null,
            ],
            inventory: inventory)
    }
}
