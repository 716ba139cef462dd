import Foundation

/// The Kubernetes API test server (`Tests/KubernetesTestServer`, Go, built by `scripts/build-kube-test-server.sh`)
/// on 127.0.0.1 and a free port it picks, with a test CA and a bearer token it generates.
///
/// Stop it with ``stop()``; prefer ``with(watchList:establishDelay:simulateControllers:acceptEKSTokens:chartCRDs:_:)``,
/// which always stops it.
/// The token is a test secret: never print it in test output.
public final class KubernetesTestServer: @unchecked Sendable {
    /// `https://127.0.0.1:PORT`.
    public let url: String
    /// The port it listens on.
    public let port: Int
    /// The PEM of the CA that signed the server's certificate (for 127.0.0.1, ::1 and localhost).
    public let caCertificatePEM: String
    /// The bearer token it accepts; any other request gets 401.
    public let token: String
    /// The folder holding `ca.crt`, `token`, `address` and the request log `server.log`; removed by ``stop()``.
    public let directory: URL
    private let process: Process

    private init(url: String, port: Int, caCertificatePEM: String, token: String, directory: URL, process: Process) {
        self.url = url
        self.port = port
        self.caCertificatePEM = caCertificatePEM
        self.token = token
        self.directory = directory
        self.process = process
    }

    /// The path of `ca.crt`.
    public var caCertificatePath: String { directory.appendingPathComponent("ca.crt").path }

    /// The request log: one line per request (method, path and query, status code), never headers or bodies.
    public func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// The built server binary: `$KUBE_TEST_SERVER`, else `.build/kube-test-server/kube-test-server` in the repository.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["KUBE_TEST_SERVER"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
        return root.appendingPathComponent(".build/kube-test-server/kube-test-server").path
    }

    /// Whether the server binary is built.
    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binaryPath) }

    /// Starts a server and waits until it listens (at most `timeout` seconds).
    ///
    /// - Parameters:
    ///   - watchList: serve watch-list requests (`sendInitialEvents=true`); `false` answers them 422, as servers
    ///     without the feature do, so clients fall back to list then watch.
    ///   - establishDelay: seconds between a CRD's creation and its `Established` condition.
    ///   - simulateControllers: act as a cluster's controllers (`-simulate-controllers`): Deployments and
    ///     StatefulSets report every replica ready, Jobs complete, Argo CD Applications report an automated sync
    ///     (Synced and Healthy, or the failure `simulate` in their Helm values asks for), the addons' custom resources
    ///     (cert-manager, external-secrets, CloudNativePG, Keycloak) report Ready, and Argo CD's resources finalizer is
    ///     removed from objects being deleted. The annotation `terrace.test/simulate: Failed` makes a Job or an
    ///     addon's custom resource fail instead. Status is written as field manager `simulated-controller` shortly
    ///     after a write, and only when it changes.
    ///   - acceptEKSTokens: also accept bearer tokens of EKS form (`-accept-eks-tokens`: `k8s-aws-v1.` + a presigned
    ///     STS `GetCallerIdentity` URL signing `x-k8s-aws-id`, dated within 15 minutes); the form is checked, not the
    ///     signature.
    ///   - chartCRDs: Helm chart name -> YAML files holding the CRDs the chart installs (`-chart-crds`): with
    ///     `simulateControllers`, an Application synced with that chart first creates those CRDs (as field manager
    ///     `argocd-controller`), as Argo CD's sync of the chart would. ``addonChartCRDs(fixtures:)`` gives the addons'
    ///     mapping from the upstream fixtures.
    public static func start(
        watchList: Bool = true, establishDelay: Double = 0.2, timeout: Double = 30, simulateControllers: Bool = false,
        acceptEKSTokens: Bool = false, chartCRDs: [String: [String]] = [:]
    ) async throws -> KubernetesTestServer {
        guard isBuilt else {
            throw HarnessError("the Kubernetes test server is not built at \(binaryPath): run scripts/build-kube-test-server.sh")
        }
        // `-chart-crds CHART=FILE[,FILE...]`, one flag per chart.
        var chartArguments: [String] = []
        for (chart, files) in chartCRDs.sorted(by: { $0.key < $1.key }) {
            guard !chart.isEmpty, !chart.contains("="), !files.isEmpty, !files.contains(where: { $0.isEmpty || $0.contains(",") })
            else {
                throw HarnessError("chartCRDs: chart \"\(chart)\" needs a name without `=` and at least one file, with no comma in its path")
            }
            chartArguments += ["-chart-crds", chart + "=" + files.joined(separator: ",")]
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-test-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = [
            "-dir", directory.path, "-listen", "127.0.0.1:0", "-log", directory.appendingPathComponent("server.log").path,
            "-establish-delay", "\(Int((establishDelay * 1000).rounded()))ms", "-watch-list=\(watchList)",
            "-simulate-controllers=\(simulateControllers)", "-accept-eks-tokens=\(acceptEKSTokens)",
        ] + chartArguments
        // The server opens its own log: no pipe or file of the test process is handed to it.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let addressFile = directory.appendingPathComponent("address")
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // `address` is written last, once the server listens and the CA and token files exist.
            if let address = try? String(contentsOf: addressFile, encoding: .utf8), !address.isEmpty {
                let caPEM = try String(contentsOf: directory.appendingPathComponent("ca.crt"), encoding: .utf8)
                let token = try String(contentsOf: directory.appendingPathComponent("token"), encoding: .utf8)
                let url = address.trimmingCharacters(in: .whitespacesAndNewlines)
                guard let port = URL(string: url)?.port else { break }
                let server = KubernetesTestServer(
                    url: url, port: port, caCertificatePEM: caPEM, token: token.trimmingCharacters(in: .whitespacesAndNewlines),
                    directory: directory, process: process)
                if GitDaemon.accepts(port: port) { return server }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
        throw HarnessError("the Kubernetes test server did not start: \(log.suffix(2000))")
    }

    /// Runs `body` with a fresh server and stops the server afterwards, whatever happens.
    ///
    /// The parameters are ``start(watchList:establishDelay:timeout:simulateControllers:acceptEKSTokens:chartCRDs:)``'s.
    public static func with<T>(
        watchList: Bool = true, establishDelay: Double = 0.2, simulateControllers: Bool = false,
        acceptEKSTokens: Bool = false, chartCRDs: [String: [String]] = [:], _ body: (KubernetesTestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(
            watchList: watchList, establishDelay: establishDelay, simulateControllers: simulateControllers,
            acceptEKSTokens: acceptEKSTokens, chartCRDs: chartCRDs)
        defer { server.stop() }
        return try await body(server)
    }

    /// A kubeconfig (cluster with the CA inline, the token, one context `test`) as YAML text.
    public func kubeconfig() -> String {
        let ca = Data(caCertificatePEM.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: \(url)
                certificate-authority-data: \(ca)
            users:
            - name: test
              user:
                token: \(token)
            contexts:
            - name: test
              context:
                cluster: test
                user: test
                namespace: default
            current-context: test

            """
    }

    /// Writes ``kubeconfig()`` to `path` (default: `kubeconfig` in ``directory``), readable by the owner only, and
    /// returns the path.
    @discardableResult
    public func writeKubeconfig(to path: String? = nil) throws -> String {
        let target = path ?? directory.appendingPathComponent("kubeconfig").path
        _ = FileManager.default.createFile(atPath: target, contents: Data(kubeconfig().utf8), attributes: [.posixPermissions: 0o600])
        guard FileManager.default.fileExists(atPath: target) else { throw HarnessError("cannot write a kubeconfig at \(target)") }
        return target
    }

    /// Stops the server, waits for it to exit, and removes ``directory``.
    public func stop() {
        if process.isRunning {
            // The server holds nothing worth a graceful stop, and a signal mask inherited from a Swift concurrency
            // thread could block SIGTERM: SIGKILL it.
            kill(process.processIdentifier, SIGKILL)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
