import Foundation
import Logging
import Synchronization
import TerraceAWS
import TerraceCore

/// Runs the units that live in a cluster (``ModuleSource/kubernetes(_:)``) through the Kubernetes driver: the `argocd`
/// unit bootstraps Argo CD (and hands it itself), an app applies one Argo CD `Application` and waits until it is `Synced` and `Healthy`.
///
/// Every unit records its inventory (the objects it applied); objects it no longer renders are deleted on the next
/// apply, and destroying the unit deletes them all and waits until they are gone.
///
/// The cluster is reached through the infrastructure's existing-cluster kubeconfig, or, for a cluster Terrace made,
/// through the `kubernetes` unit's endpoint and CA with an EKS token signed for the identity that runs Terrace.
public struct KubernetesUnitExecutor: UnitExecutor {
    /// Waits and their timeouts.
    public var settings: KubernetesUnitSettings
    /// How failed requests are retried.
    public var retry: KubernetesRetryPolicy
    /// Fetches Argo CD install manifests.
    public var manifests: InstallManifestFetcher
    /// The kubeconfig that stands in for EKS clusters made on an AWS emulator (`cloud.endpoint`), whose API servers do
    /// not exist: `TERRACE_EMULATED_CLUSTER_KUBECONFIG` (its current context).
    public var emulatedClusterKubeconfig: String?
    /// The environment (`KUBECONFIG`, `HOME`, AWS credentials).
    public var environment: [String: String]
    let logger: Logger

    /// Creates an executor.
    public init(
        settings: KubernetesUnitSettings = KubernetesUnitSettings(), retry: KubernetesRetryPolicy = .standard,
        manifests: InstallManifestFetcher = InstallManifestFetcher(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "terrace.kubernetes")
    ) {
        self.settings = settings
        self.retry = retry
        self.manifests = manifests
        self.environment = environment
        self.emulatedClusterKubeconfig = environment["TERRACE_EMULATED_CLUSTER_KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        self.logger = logger
    }

    /// Dry-runs the unit's objects (within the job's timeout).
    public func plan(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary {
        try await job.withinTimeout { () async throws(UnitFailure) -> ResourceSummary in try await planUnit(job, progress: progress) }
    }

    /// Applies the unit and waits until it is ready (within the job's timeout: past it, the requests and waits are
    /// stopped and the unit fails with `.timedOut`, keeping what it applied in the inventory).
    public func apply(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        try await job.withinTimeout { () async throws(UnitFailure) -> UnitOutputs in try await applyUnit(job, progress: progress) }
    }

    /// Deletes what the unit applied and waits until it is gone (within the job's timeout).
    public func destroy(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) {
        try await job.withinTimeout { () async throws(UnitFailure) in try await destroyUnit(job, progress: progress) }
    }

    func planUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary {
        progress(.plan)
        return try await withClient(job, phase: .plan) { client async throws(KubernetesError) in
            try await dryRunSummary(job, client: client)
        }
    }

    func applyUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        progress(.apply)
        // Once waiting, everything was applied: a failure from then on still leaves objects the record must keep.
        let waiting = Mutex(false)
        let tracked: @Sendable (UnitPhase) -> Void = { phase in
            if phase == .wait { waiting.withLock { $0 = true } }
            progress(phase)
        }
        do throws(UnitFailure) {
            return try await withClient(job, phase: .apply) { client async throws(KubernetesError) in
                switch kind(of: job) {
                case .argocd: try await applyArgoCD(job, client: client, progress: tracked)
                case .app: try await applyApp(job, client: client, progress: tracked)
                }
            }
        } catch {
            guard waiting.withLock({ $0 }) else { throw error }
            var failure = error
            failure.phase = .wait
            failure.inventory = await renderedInventory(job)
            throw failure
        }
    }

    /// The inventory keys of the objects the job renders; nil when they cannot be rendered.
    func renderedInventory(_ job: UnitJob) async -> [String]? {
        guard let objects = try? await renderedObjects(job) else { return nil }
        return objects.compactMap { try? ObjectReference(of: $0).inventoryKey }
    }

    /// Every object the job renders, in the order they are applied: Argo CD's install, its cluster Secret and its
    /// own Application; or an app's prerequisites, its Application and its objects.
    func renderedObjects(_ job: UnitJob) async throws(KubernetesError) -> [Value] {
        switch kind(of: job) {
        case .argocd:
            return try await argoCDObjects(job).objects
        case .app:
            let extra = try UnitObjects(inputs: job.inputs)
            return extra.prerequisites + [try ArgoCDApplication(inputs: job.inputs).object] + extra.objects
        }
    }

    func destroyUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) {
        progress(.destroy)
        guard !job.inventory.isEmpty else { return }
        try await withClient(job, phase: .destroy) { client async throws(KubernetesError) in
            try await delete(job.inventory.reversed(), client: client)
        }
    }

    func kind(of job: UnitJob) -> KubernetesUnitKind {
        if case .kubernetes(let kind) = job.module.source { return kind }
        return .app
    }

    /// Runs `body` with a client for the job's cluster; a ``KubernetesError`` becomes a ``UnitFailure`` of `phase`.
    func withClient<T: Sendable>(
        _ job: UnitJob, phase: UnitPhase, _ body: (KubernetesClient) async throws(KubernetesError) -> T
    ) async throws(UnitFailure) -> T {
        do throws(KubernetesError) {
            let connection = try connection(for: job)
            let client = KubernetesClient(connection: connection, retry: retry, logger: logger)
            do throws(KubernetesError) {
                let result = try await body(client)
                await client.shutdown()
                return result
            } catch {
                await client.shutdown()
                throw error
            }
        } catch {
            if Task.isCancelled {
                throw UnitFailure(.cancelled, phase: phase, "cancelled", stopNote: "its Kubernetes requests and waits were stopped")
            }
            throw UnitFailure(.kubernetes, phase: phase, error.description)
        }
    }

    /// How to reach the job's cluster.
    /// - Throws: ``KubernetesError`` `configuration` when the kubeconfig, its context or the cluster's outputs are missing.
    func connection(for job: UnitJob) throws(KubernetesError) -> KubernetesConnection {
        if let existing = job.existingCluster {
            let path = existing.kubeconfig ?? environment["KUBECONFIG"].flatMap { $0.split(separator: ":").first.map(String.init) }
                ?? "~/.kube/config"
            let config = try KubeConfig.load(path: path, environment: environment)
            return try config.connection(context: existing.context)
        }
        guard case .string(let name)? = job.inputs["cluster_name"] else {
            throw KubernetesError(
                .configuration, "the cluster's name is unknown: the `kubernetes` unit has no `cluster_name` output",
                hint: "apply the `kubernetes` unit first")
        }
        let environment = self.environment
        let provider = EKSTokenProvider(cluster: name, region: job.cloud.region) { () throws(AWSError) in
            try AWSCredentials.resolve(environment: environment)
        }
        if job.cloud.endpoint != nil {
            // An EKS cluster made on an AWS emulator has no API server, and its endpoint names a real AWS domain: it is
            // never contacted. A stand-in takes its place, reached with the same EKS token.
            guard let emulated = emulatedClusterKubeconfig else {
                throw KubernetesError(
                    .configuration,
                    "the cluster was made on an AWS emulator (`cloud.endpoint`), so its endpoint has no API server; it is not contacted",
                    hint: "point TERRACE_EMULATED_CLUSTER_KUBECONFIG at the kubeconfig of a stand-in cluster "
                        + "(`source scripts/local-kubernetes.sh` starts one)")
            }
            let endpoint = try KubeConfig.load(path: emulated, environment: environment).connection(context: nil).endpoint
            return KubernetesConnection(endpoint: endpoint, credentials: .eks(provider))
        }
        guard case .string(let endpoint)? = job.inputs["cluster_endpoint"], endpoint.hasPrefix("https://") else {
            throw KubernetesError(
                .configuration, "the cluster's endpoint is unknown: the `kubernetes` unit has no https `endpoint` output",
                hint: "apply the `kubernetes` unit first")
        }
        var authority: [UInt8]?
        if case .string(let data)? = job.inputs["cluster_ca_data"], !data.isEmpty {
            guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                throw KubernetesError(.configuration, "the cluster's CA (`kubernetes.ca_data`) is not base64")
            }
            authority = Array(decoded)
        }
        return KubernetesConnection(
            endpoint: KubernetesEndpoint(server: endpoint, certificateAuthority: authority), credentials: .eks(provider))
    }

    /// Deletes `keys` in order, then waits until every one is gone (finalizers run).
    func delete(_ keys: [String], client: KubernetesClient) async throws(KubernetesError) {
        var deleted: [ObjectReference] = []
        for key in keys {
            guard let reference = ObjectReference(inventoryKey: key) else { continue }
            do {
                if try await client.delete(reference) { deleted.append(reference) }
            } catch where error.code == .notFound {
                // Its kind is gone (a CRD deleted earlier took its objects along).
            }
        }
        for reference in deleted {
            do {
                try await client.waitForDeletion(reference, timeout: settings.deletionTimeout, pollInterval: settings.pollInterval)
            } catch where error.code == .notFound {
                // Gone with its kind.
            }
        }
    }

    /// Deletes what `previous` holds and `current` does not: what the unit no longer renders.
    func prune(previous: [String], current: [String], client: KubernetesClient) async throws(KubernetesError) {
        let kept = Set(current)
        let stale = previous.filter { !kept.contains($0) }
        guard !stale.isEmpty else { return }
        try await delete(stale.reversed(), client: client)
    }

    /// `+add ~change -destroy` of applying `objects` now, by a server-side dry run, and of pruning what the inventory
    /// holds beyond them. Objects whose kind the cluster does not serve yet count as added.
    func summary(of objects: [Value], inventory: [String], client: KubernetesClient) async throws(KubernetesError) -> ResourceSummary {
        var summary = ResourceSummary()
        var rendered: Set<String> = []
        for object in objects {
            let reference = try ObjectReference(of: object)
            rendered.insert(reference.inventoryKey)
            let live: Value?
            do {
                live = try await client.get(reference)
            } catch where error.code == .notFound {
                summary.add += 1
                continue
            }
            guard let live else {
                summary.add += 1
                continue
            }
            let result = try await client.apply(object, dryRun: true)
            if Self.comparable(result) != Self.comparable(live) { summary.change += 1 }
        }
        for key in inventory where !rendered.contains(key) {
            guard let reference = ObjectReference(inventoryKey: key) else { continue }
            if (try? await client.get(reference)) ?? nil != nil { summary.destroy += 1 }
        }
        return summary
    }

    /// An object without what every write changes by itself (managed fields, resourceVersion, generation).
    static func comparable(_ object: Value) -> Value {
        guard case .map(var entries) = object, case .map(var metadata)? = entries["metadata"] else { return object }
        for key in ["managedFields", "resourceVersion", "generation"] { metadata[key] = nil }
        entries["metadata"] = .map(metadata)
        return .map(entries)
    }

    /// The dry-run summary of the job's unit.
    private func dryRunSummary(_ job: UnitJob, client: KubernetesClient) async throws(KubernetesError) -> ResourceSummary {
        try await summary(of: try await renderedObjects(job), inventory: job.inventory, client: client)
    }
}
