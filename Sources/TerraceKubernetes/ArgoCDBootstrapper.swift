import TerraceCore

/// Applies an Argo CD install to a cluster in its phases and waits for it, through one client.
public struct ArgoCDBootstrapper: Sendable {
    /// The cluster's client.
    public let client: KubernetesClient
    /// Timeouts and the poll interval.
    public let settings: KubernetesUnitSettings

    /// Creates a bootstrapper.
    public init(client: KubernetesClient, settings: KubernetesUnitSettings = KubernetesUnitSettings()) {
        self.client = client
        self.settings = settings
    }

    /// Applies the Namespace, the CRDs, waits for each CRD's `Established` (unless the apply's answer already says
    /// so, as on a re-apply), applies everything else, then `secret`. Returns every object as the server answered,
    /// in that order.
    public func apply(_ install: ArgoCDInstall, secret: Value) async throws(KubernetesError) -> [Value] {
        var applied: [Value] = [try await client.apply(install.namespaceObject)]
        var answers: [Value] = []
        for crd in install.customResourceDefinitions { answers.append(try await client.apply(crd)) }
        applied += answers
        for (crd, answer) in zip(install.customResourceDefinitions, answers)
        where answer.condition(ArgoCDInstall.establishedCondition)?["status"]?.stringValue != "True" {
            try await client.waitForCondition(
                try ObjectReference(of: crd), type: ArgoCDInstall.establishedCondition, timeout: settings.crdTimeout,
                pollInterval: min(settings.pollInterval, .milliseconds(250)))
        }
        for object in install.resources { applied.append(try await client.apply(object)) }
        applied.append(try await client.apply(secret))
        return applied
    }

    /// Waits until every Deployment of the install reports `Available` and every StatefulSet has all its replicas
    /// ready, for the current generation.
    public func waitUntilAvailable(_ install: ArgoCDInstall) async throws(KubernetesError) {
        for workload in install.workloads {
            let reference = ObjectReference(apiVersion: workload.apiVersion, kind: workload.kind, namespace: workload.namespace, name: workload.name)
            if workload.kind == "Deployment" {
                try await client.waitForCondition(
                    reference, type: "Available", timeout: settings.argoCDReadyTimeout, pollInterval: settings.pollInterval)
            } else {
                try await client.wait(
                    for: reference, timeout: settings.argoCDReadyTimeout, pollInterval: settings.pollInterval, what: "ready",
                    until: Self.statefulSetReady)
            }
        }
    }

    /// Whether a StatefulSet has observed its generation and has all its replicas ready.
    @Sendable static func statefulSetReady(_ object: Value?) -> KubernetesClient.WaitVerdict {
        guard let object else { return .pending("the StatefulSet does not exist") }
        let wanted = object["spec"]?["replicas"]?.intValue ?? 1
        let ready = object["status"]?["readyReplicas"]?.intValue ?? 0
        let generation = object["metadata"]?["generation"]?.intValue ?? 0
        let observed = object["status"]?["observedGeneration"]?.intValue ?? 0
        if observed >= generation, ready >= wanted { return .done }
        return .pending("\(ready)/\(wanted) replicas ready" + (observed < generation ? ", generation \(generation) not yet observed" : ""))
    }
}
