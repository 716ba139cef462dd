import TerraceCore

extension KubernetesUnitExecutor {
    /// The install (fetched, checked against its SHA-256 before anything else, transformed) and the cluster Secret of
    /// an `argocd` job.
    func argoCDObjects(_ job: UnitJob) async throws(KubernetesError) -> (ArgoCDInstall, Value) {
        let inputs = job.inputs
        guard let version = inputs["version"]?.stringValue, let location = inputs["manifest"]?.stringValue,
            let sha256 = inputs["sha256"]?.stringValue, let namespace = inputs["namespace"]?.stringValue
        else {
            throw KubernetesError(.invalid, "the `argocd` unit needs its version, manifest, checksum and namespace")
        }
        let access = try ArgoCDInstall.Access(inputs: inputs)
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
        return (install, try install.clusterSecret(facts))
    }

    /// Bootstraps Argo CD: the Namespace, the CRDs (awaited until `Established`), everything else, the cluster Secret;
    /// then deletes what the previous version had and this one has not, and waits until Argo CD's Deployments and
    /// StatefulSet are available.
    func applyArgoCD(_ job: UnitJob, client: KubernetesClient, progress: @escaping @Sendable (UnitPhase) -> Void)
        async throws(KubernetesError) -> UnitOutputs
    {
        let (install, secret) = try await argoCDObjects(job)
        let bootstrapper = ArgoCDBootstrapper(client: client, settings: settings)
        let applied = try await bootstrapper.apply(install, secret: secret)
        let inventory = try applied.map { object throws(KubernetesError) in try ObjectReference(of: object).inventoryKey }
        try await prune(previous: job.inventory, current: inventory, client: client)
        progress(.wait)
        try await bootstrapper.waitUntilAvailable(install)
        return UnitOutputs(
            values: [
                "namespace": .string(install.namespace), "version": .string(install.version),
                "url": install.access.map { .string($0.url) } ?? .null,
            ],
            inventory: inventory)
    }
}
