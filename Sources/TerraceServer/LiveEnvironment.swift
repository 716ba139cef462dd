import Foundation
import TerraceAWS
import TerraceCore
import TerraceGit
import TerraceKubernetes
import TerraceLocal
import TerraceTerraform

/// The reconciler's world for real: the git source, the repository on disk, records and locks in each
/// infrastructure's S3 state bucket, and the `terraform` or `tofu` binary each project names.
public struct LiveEnvironment: ReconcileEnvironment {
    /// The followed repository.
    public let source: GitSource
    /// The folder of `terrace.yaml` inside the repository.
    public let path: String
    let dataDirectory: String
    let pluginCache: String
    let clients: S3Clients
    let moduleCache: String
    /// How long a Terraform process may take to stop after SIGINT before it gets SIGKILL: shorter than the service's
    /// shutdown grace, so Terraform can release its state lock before the service's own deadline.
    let terraformInterruptGrace: Duration

    /// Creates the environment; Terraform works under `dataDirectory` (`work/`, `logs/`, `unlock/`).
    public init(
        source: GitSource, path: String, dataDirectory: String, credentials: AWSCredentials, pluginCache: String, moduleCache: String,
        shutdownGrace: Duration = .seconds(30)
    ) {
        // Terraform gets the grace less 5 s (the rest records the interrupted runs), between 1 s and 30 s.
        terraformInterruptGrace = min(.seconds(30), max(.seconds(1), shutdownGrace - .seconds(5)))
        self.source = source
        self.path = path
        self.dataDirectory = dataDirectory
        self.pluginCache = pluginCache
        clients = S3Clients(credentials: credentials)
        self.moduleCache = moduleCache
        kubernetes = KubernetesUnitExecutor(manifests: InstallManifestFetcher(cacheDirectory: dataDirectory + "/manifests"))
    }

    /// Runs the units that live in a cluster; one for the service, so Argo CD manifests are fetched once.
    let kubernetes: KubernetesUnitExecutor

    /// Runs `binary` for applies and drift checks, in `work/`, logging to `logs/`.
    public func terraform(_ binary: TerraformSettings.Binary) -> TerraformExecutor {
        TerraformExecutor(
            binary: binary, workRoot: dataDirectory + "/work", logRoot: dataDirectory + "/logs", pluginCacheDirectory: pluginCache,
            interruptGracePeriod: terraformInterruptGrace)
    }

    /// Runs `binary force-unlock` in working directories of its own (`unlock/`).
    func unlocker(_ binary: TerraformSettings.Binary) -> TerraformExecutor {
        TerraformExecutor(
            binary: binary, workRoot: dataDirectory + "/unlock", logRoot: dataDirectory + "/logs", pluginCacheDirectory: pluginCache,
            interruptGracePeriod: terraformInterruptGrace)
    }

    /// Runs every unit: Terraform units with `binary`, the `argocd` unit and apps through the Kubernetes driver.
    public func executor(_ binary: TerraformSettings.Binary) -> any UnitExecutor {
        RoutingUnitExecutor(terraform: terraform(binary), kubernetes: kubernetes)
    }

    public func fetch() async throws(ReconcileError) -> SourceRevision {
        do {
            return try await source.fetch()
        } catch {
            throw ReconcileError(
                error.code == .timedOut ? .timeout : .fetch,
                "cannot fetch \(source.displayURL) (branch \(source.branch)): \(error.message)")
        }
    }

    public func load(revision: String) async -> LoadResult {
        let root: String
        do {
            root = try await source.checkout(revision)
        } catch {
            let location = SourceLocation(file: "(git)")
            return LoadResult(repository: nil, diagnostics: [Diagnostic(at: location, "cannot check out \(revision.prefix(12)): \(error.message)")])
        }
        let loader = RepoLoader(
            fileSystem: LocalFileSystem(), builtinModules: BuiltinModulesLocator.locate(),
            fetcher: GitModuleFetcher(cacheDirectory: moduleCache))
        return await loader.load(path.isEmpty ? root : root + "/" + path)
    }

    public func record(of infrastructure: Infrastructure) async throws(ReconcileError) -> InfrastructureRecord? {
        let client = await clients.client(for: infrastructure.cloud)
        do {
            guard try await client.headBucket(infrastructure.backend.bucket) else { return nil }
        } catch {
            throw ReconcileError(.state, "cannot reach the state bucket `\(infrastructure.backend.bucket)`: \(error.message)")
        }
        do {
            return try await S3StateStore(client: client, backend: infrastructure.backend).load(infrastructure: infrastructure.name)
        } catch {
            throw ReconcileError(.state, error.message)
        }
    }

    public func engine(
        for infrastructure: Infrastructure, binary: TerraformSettings.Binary, run: ServiceRun
    ) async throws(ReconcileError) -> ApplyEngine {
        let client = await clients.client(for: infrastructure.cloud)
        let store = S3StateStore(client: client, backend: infrastructure.backend)
        do {
            try await store.ensureBucket()
        } catch {
            throw ReconcileError(.state, "cannot prepare the state bucket `\(infrastructure.backend.bucket)`: \(error.message)")
        }
        let lock = S3StateLock(client: client, bucket: infrastructure.backend.bucket, holder: run.lockHolder)
        return ApplyEngine(executor: executor(binary), store: store, lock: lock)
    }

    public func lockHolder(of infrastructure: Infrastructure) async throws(ReconcileError) -> LockInfo? {
        let client = await clients.client(for: infrastructure.cloud)
        do {
            guard try await client.headBucket(infrastructure.backend.bucket) else { return nil }
            return try await S3StateLock(client: client, bucket: infrastructure.backend.bucket).read(infrastructure: infrastructure.name)
        } catch let error as LockError {
            throw ReconcileError(.state, error.message)
        } catch {
            throw ReconcileError(.state, "cannot read the lock of `\(infrastructure.name)`: \(error)")
        }
    }

    public func releaseStaleLocks(
        of infrastructure: Infrastructure, lock: LockInfo, binary: TerraformSettings.Binary
    ) async throws(ReconcileError) -> [String] {
        let client = await clients.client(for: infrastructure.cloud)
        let bucket = infrastructure.backend.bucket
        var released: [String] = []
        // Lock files, not state files: a unit killed during its first apply has a lock but no state yet.
        let prefix = infrastructure.name + "/"
        let suffix = "/terraform.tfstate.tflock"
        let units: [String]
        do {
            units = try await client.listObjects(bucket: bucket, prefix: prefix).compactMap { object in
                guard object.key.hasSuffix(suffix) else { return nil }
                let unit = object.key.dropFirst(prefix.count).dropLast(suffix.count)
                return unit.isEmpty || unit.contains("/") ? nil : String(unit)
            }
        } catch {
            throw ReconcileError(.state, "cannot list the Terraform locks of `\(infrastructure.name)`: \(error.message)")
        }
        for unit in units {
            let empty = ResolvedModule(
                source: .builtin(""), directory: "", displayName: "(unlock)", declarations: ModuleDeclarations(), digest: ContentDigest.of(""))
            let job = UnitJob(
                runID: "unlock", infrastructure: infrastructure.name, unit: unit, module: empty, inputs: [:],
                cloud: infrastructure.cloud, backend: infrastructure.backend)
            let object: S3Object?
            do {
                object = try await client.getObject(bucket: bucket, key: job.stateKey + ".tflock")
            } catch {
                throw ReconcileError(.state, "cannot read the Terraform lock of `\(unit)`: \(error.message)")
            }
            guard let object, let info = TerraformLockInfo(json: object.body) else { continue }
            // Taken while the dead run held the infrastructure's lock, so by that run: nobody else could run here.
            guard let created = info.created, created >= lock.createdAt else {
                released.append("left the Terraform lock of `\(unit)` (\(info.who)): older than the interrupted run")
                continue
            }
            do {
                try await unlocker(binary).forceUnlock(job, lockID: info.id)
            } catch {
                throw ReconcileError(.state, "terraform force-unlock of `\(unit)` failed: \(error.message)")
            }
            released.append("Terraform state lock of `\(unit)` (\(info.operation) by \(info.who))")
        }
        do {
            try await S3StateLock(client: client, bucket: bucket).release(lock)
        } catch {
            throw ReconcileError(.state, error.message)
        }
        released.append("the Terrace lock held by \(lock.holder)")
        return released
    }

    public func log(runID: String, infrastructure: String, unit: String) async -> String? {
        // Logs are kept under `logs/` whichever binary wrote them.
        try? String(contentsOfFile: terraform(.terraform).logPath(runID: runID, infrastructure: infrastructure, unit: unit), encoding: .utf8)
    }

    /// Closes the S3 clients.
    public func shutdown() async {
        await clients.shutdown()
    }
}

/// One S3 client per region and endpoint, made on first use.
actor S3Clients {
    private let credentials: AWSCredentials
    private var clients: [String: S3Client] = [:]

    init(credentials: AWSCredentials) {
        self.credentials = credentials
    }

    func client(for cloud: CloudSettings) -> S3Client {
        let key = cloud.region + "|" + (cloud.endpoint ?? "")
        if let client = clients[key] { return client }
        let client = S3Client(region: cloud.region, endpoint: cloud.endpoint, credentials: credentials)
        clients[key] = client
        return client
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
        clients = [:]
    }
}

/// What Terraform writes in an S3 lock file (`<state key>.tflock`).
struct TerraformLockInfo {
    var id: String
    var operation: String
    var who: String
    var created: Date?

    init?(json: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any], let id = object["ID"] as? String
        else { return nil }
        self.id = id
        operation = object["Operation"] as? String ?? "unknown"
        who = object["Who"] as? String ?? "unknown"
        created = (object["Created"] as? String).flatMap { text in
            (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
                ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
        }
    }
}
