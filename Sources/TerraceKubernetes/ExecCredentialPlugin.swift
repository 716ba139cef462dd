import Foundation
import Subprocess
import TerraceCore

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs a kubeconfig's `exec` credential plugin and caches the credential it prints until shortly before it expires.
///
/// Speaks `client.authentication.k8s.io/v1` and `v1beta1`: the plugin gets `KUBERNETES_EXEC_INFO` (an
/// `ExecCredential` with `spec.interactive: false`, and `spec.cluster` when `provideClusterInfo` is set) and prints
/// an `ExecCredential` whose `status` holds a `token`, or `clientCertificateData` and `clientKeyData`, and optionally
/// `expirationTimestamp`. A credential without expiry is kept until ``invalidate()`` (after a 401).
/// Concurrent callers share one run of the plugin. Failures name the plugin and its exit status; the plugin's output
/// and standard error are never shown, since they may hold the secret.
public actor ExecCredentialPlugin {
    /// The cluster facts handed to a plugin that asks for them (`provideClusterInfo: true`).
    public struct ClusterInfo: Hashable, Sendable {
        /// The API server's URL.
        public var server: String
        /// The cluster's CA bytes.
        public var certificateAuthorityData: [UInt8]?
        /// Whether TLS verification is skipped.
        public var insecureSkipTLSVerify: Bool
        /// The TLS server name.
        public var tlsServerName: String?

        /// Creates cluster facts.
        public init(
            server: String, certificateAuthorityData: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
            tlsServerName: String? = nil
        ) {
            self.server = server
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
        }
    }

    /// The plugin's settings.
    public let config: ExecPluginConfig
    /// The cluster the credential is for.
    public let cluster: ClusterInfo?
    /// The folder a relative `command` path is resolved against (the kubeconfig's).
    public let baseDirectory: String?
    /// How long before expiry a cached credential is replaced.
    public let refreshMargin: TimeInterval
    /// The longest a plugin may run.
    public let timeout: Duration
    private let now: @Sendable () -> Date
    private var cached: KubernetesCredential?
    private var running: Task<KubernetesCredential, any Error>?
    private var generation = 0

    /// How many times the plugin has been run; for tests and metrics.
    public private(set) var runs = 0

    /// Creates a plugin runner.
    /// - Parameters:
    ///   - refreshMargin: a credential is renewed this long before it expires (30 s by default).
    ///   - timeout: the longest the plugin may run (2 minutes by default: plugins may refresh an SSO session).
    ///   - now: the clock, for tests.
    public init(
        config: ExecPluginConfig, cluster: ClusterInfo? = nil, baseDirectory: String? = nil,
        refreshMargin: TimeInterval = 30, timeout: Duration = .seconds(120),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.cluster = cluster
        self.baseDirectory = baseDirectory
        self.refreshMargin = refreshMargin
        self.timeout = timeout
        self.now = now
    }

    /// The current credential: the cached one while it is fresh, otherwise a new one from the plugin.
    /// - Throws: ``KubernetesError`` with code `credentials`.
    public func credential() async throws(KubernetesError) -> KubernetesCredential {
        if let cached, isFresh(cached) { return cached }
        let task: Task<KubernetesCredential, any Error>
        if let running {
            task = running
        } else {
            let config = config
            let environment = executionEnvironment()
            let executable = executablePath()
            let timeout = timeout
            let now = now
            task = Task {
                try await Self.run(config: config, executable: executable, environment: environment, timeout: timeout, now: now)
            }
            running = task
            runs += 1
        }
        let startedGeneration = generation
        do {
            let credential = try await task.value
            if running == task { running = nil }
            if startedGeneration == generation { cached = credential }
            return credential
        } catch {
            if running == task { running = nil }
            if let error = error as? KubernetesError { throw error }
            throw KubernetesError(.credentials, "the exec plugin `\(config.displayName)` failed")
        }
    }

    /// Forgets the cached credential, so the next ``credential()`` runs the plugin again (after a 401).
    public func invalidate() {
        cached = nil
        generation += 1
    }

    private func isFresh(_ credential: KubernetesCredential) -> Bool {
        guard let expiry = credential.expiresAt else { return true }
        return now().addingTimeInterval(refreshMargin) < expiry
    }

    private func executablePath() -> String {
        if config.command.contains("/"), !config.command.hasPrefix("/"), let baseDirectory, !baseDirectory.isEmpty {
            return baseDirectory + "/" + config.command
        }
        return config.command
    }

    /// The variables set for the plugin over the inherited environment.
    func executionEnvironment() -> [String: String] {
        var variables: [String: String] = [:]
        for variable in config.env { variables[variable.name] = variable.value }
        variables["KUBERNETES_EXEC_INFO"] = execInfo()
        return variables
    }

    /// The `ExecCredential` given in `KUBERNETES_EXEC_INFO`.
    func execInfo() -> String {
        var spec: [String: Any] = ["interactive": false]
        if config.provideClusterInfo, let cluster {
            var entry: [String: Any] = ["server": cluster.server]
            if let name = cluster.tlsServerName { entry["tls-server-name"] = name }
            if cluster.insecureSkipTLSVerify { entry["insecure-skip-tls-verify"] = true }
            if let ca = cluster.certificateAuthorityData {
                entry["certificate-authority-data"] = Data(ca).base64EncodedString()
            }
            spec["cluster"] = entry
        }
        let object: [String: Any] = ["kind": "ExecCredential", "apiVersion": config.apiVersion.rawValue, "spec": spec]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func run(
        config: ExecPluginConfig, executable: String, environment: [String: String], timeout: Duration,
        now: @escaping @Sendable () -> Date
    ) async throws -> KubernetesCredential {
        let name = config.displayName
        var variables: [Environment.Key: String?] = [:]
        for (key, value) in environment { variables[Environment.Key(stringLiteral: key)] = value }
        let overrides = variables
        let arguments = config.args
        let reference: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        let result: ExecutionResult<Void, BytesOutput, DiscardedOutput>
        do {
            result = try await withThrowingTaskGroup(of: ExecutionResult<Void, BytesOutput, DiscardedOutput>?.self) {
                group in
                group.addTask {
                    try await Subprocess.run(
                        reference, arguments: Arguments(arguments), environment: .inherit.updating(overrides),
                        output: .bytes(limit: 1 << 20), error: .discarded)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let finished = first else {
                    throw KubernetesError(
                        .credentials, "the exec plugin `\(name)` did not finish within \(timeout)",
                        hint: "run `\(config.command)` by hand to see what it waits for")
                }
                return finished
            }
        } catch let error as KubernetesError {
            throw error
        } catch {
            throw KubernetesError(
                .credentials, "cannot run the exec plugin `\(name)`",
                hint: config.installHint.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    ?? "is `\(config.command)` installed and on the PATH?")
        }
        switch result.terminationStatus {
        case .exited(let code) where code == 0:
            break
        case .exited(let code):
            throw KubernetesError(
                .credentials, "the exec plugin `\(name)` exited with status \(code)",
                hint: "run `\(config.command)` by hand to see its message (Terrace does not show a plugin's output)")
        case .signaled(let signal):
            throw KubernetesError(.credentials, "the exec plugin `\(name)` was killed by signal \(signal)")
        }
        return try ExecCredentialStatus.parse(result.standardOutput, expected: config.apiVersion, plugin: name)
    }
}
