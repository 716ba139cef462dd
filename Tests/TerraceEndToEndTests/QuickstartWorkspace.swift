import Foundation
import TerraceCore
import TerraceKubernetes
import TerraceTestSupport

/// A copy of `examples/quickstart` pointed at a local AWS API and a stand-in cluster (the Kubernetes API test server
/// acting as the cluster's controllers, as `scripts/local-kubernetes.sh` sets up), with Terraform set up offline and
/// wrapped so its runs can be counted, and Argo CD's install manifest in Terrace's cache.
struct QuickstartWorkspace {
    let folder: URL
    let repo: URL
    let server: MotoServer
    let cluster: KubernetesTestServer
    let shim: TerraformShim
    let environment: [String: String]
    let aws: AWSCLI

    static let exampleFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/quickstart").standardizedFileURL

    /// The upstream Argo CD v3.5.1 install manifest (`shared/` sits beside the repository).
    static let argoCDManifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/fixtures/argo-cd/v3.5.1/install.yaml").standardizedFileURL

    init(server: MotoServer, cluster: KubernetesTestServer) throws {
        folder = try CommandRunner.scratchFolder()
        repo = folder.appendingPathComponent("repo")
        try FileManager.default.copyItem(at: Self.exampleFolder, to: repo)
        let manifest = repo.appendingPathComponent("infrastructures/demo.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
            .replacingOccurrences(of: "http://127.0.0.1:5000", with: server.endpoint)
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        self.server = server
        self.cluster = cluster
        shim = try TerraformShim(in: folder.path)
        var environment = server.environment
        // The cache Terrace reads the Argo CD manifest from first (a machine without internet), and the stand-in cluster.
        let manifests = folder.appendingPathComponent("cache/manifests")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.argoCDManifest, to: manifests.appendingPathComponent("\(ArgoCDInstall.defaultSHA256).yaml"))
        environment["TERRACE_CACHE_DIR"] = folder.appendingPathComponent("cache").path
        environment["TERRACE_EMULATED_CLUSTER_KUBECONFIG"] = try cluster.writeKubeconfig()
        environment.merge(try TerraformHarness.environment(in: folder.path + "/terraform"), uniquingKeysWith: { _, new in new })
        environment.merge(shim.environment, uniquingKeysWith: { _, new in new })
        self.environment = environment
        aws = AWSCLI(server: server)
    }

    /// Runs `terrace arguments… repo` in the workspace folder.
    func terrace(_ arguments: [String]) async throws -> CommandRunner.Output {
        try await CommandRunner.run(arguments + ["repo"], in: folder, environment: environment)
    }

    /// Replaces text in the demo manifest.
    func edit(_ change: (String) -> String) throws {
        let manifest = repo.appendingPathComponent("infrastructures/demo.yaml")
        try change(try String(contentsOf: manifest, encoding: .utf8)).write(to: manifest, atomically: true, encoding: .utf8)
    }

    /// The `finished` events of a `--json` run, as unit → outcome.
    static func outcomes(_ output: CommandRunner.Output) -> [String: String] {
        var outcomes: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "finished", let unit = object["unit"] as? String,
                let outcome = object["outcome"] as? String
            else { continue }
            outcomes[unit] = outcome
        }
        return outcomes
    }

    /// The units of a `--json` run in the order they finished.
    static func finishedOrder(_ output: CommandRunner.Output) -> [String] {
        output.stdout.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "finished"
            else { return nil }
            return object["unit"] as? String
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The Kubernetes requests the stand-in cluster has served so far (one log line each).
    func clusterRequests() -> [String] {
        cluster.log().split(separator: "\n").map(String.init).filter { $0.contains(" -> ") }
    }

    /// The Argo CD Applications in the stand-in cluster, by name; nil once the Application CRD is gone.
    func applications() async throws -> [String: Value]? {
        let config = try KubeConfig.load(path: cluster.directory.path + "/kubeconfig")
        return try await KubernetesClient.withClient(try config.connection(context: "test")) { client -> [String: Value]? in
            let list: [Value]
            do {
                list = try await client.list(GroupVersionKind(apiVersion: ArgoCDApplication.apiVersion, kind: "Application"), namespace: "argocd")
            } catch let error as KubernetesError where error.code == .notFound {
                return nil
            }
            return Dictionary(uniqueKeysWithValues: list.compactMap { object in
                object["metadata"]?["name"]?.stringValue.map { ($0, object) }
            })
        }
    }
}
