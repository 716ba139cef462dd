import Foundation
import TerraceCore
import TerraceKubernetes
import TerraceTestSupport
import Testing

/// The secrets canary: the quickstart with every addon (Keycloak, SSO) applied on moto and the stand-in cluster, its
/// generated admin password and OIDC client secrets then replaced in Secrets Manager by known canary values, and the
/// infrastructure planned, applied, drift-checked and served. No canary appears in anything Terrace prints, logs,
/// records, serves or sends to the cluster; each is in Secrets Manager.
@Suite("Secrets canary", .serialized)
struct SecretsCanaryTests {
    static let secrets = ["demo/terrace/admin": "password", "demo/terrace/oidc/argocd": "client_secret", "demo/terrace/oidc/grafana": "client_secret"]

    /// Every regular file below `folder` (Terraform's provider binaries aside), as text.
    static func files(below folder: URL) -> [(String, String)] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey])
        else { return [] }
        var result: [(String, String)] = []
        for case let url as URL in walker {
            guard url.path.contains("/.terraform/providers/") == false, url.path.contains("/terraform/plugins/") == false,
                let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true,
                (values.fileSize ?? 0) < 64 << 20, let data = try? Data(contentsOf: url)
            else { continue }
            result.append((url.path, String(decoding: data, as: UTF8.self)))
        }
        return result
    }

    @Test("known admin password and client secrets: in Secrets Manager only, never in output, logs, records, plans, the API or the cluster")
    func canary() async throws {
        try await MotoServer.with { server in
            try await KubernetesTestServer.with(
                establishDelay: 0.1, simulateControllers: true, acceptEKSTokens: true, chartCRDs: try KubernetesTestServer.addonChartCRDs()
            ) { cluster in
                let workspace = try QuickstartWorkspace(server: server, cluster: cluster)
                defer { workspace.remove() }
                let aws = workspace.aws
                var printed: [(String, String)] = []
                func run(_ arguments: [String]) async throws -> CommandRunner.Output {
                    let output = try await workspace.terrace(arguments)
                    printed.append(("terrace \(arguments.joined(separator: " "))", output.stdout + output.stderr))
                    return output
                }

                let first = try await run(["apply", "--auto-approve", "--json"])
                #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
                // The generated values, then known canaries in their place (Terraform ignores later changes to them).
                var canaries: [String: String] = [:]
                for (name, key) in Self.secrets {
                    let stored = try await aws.json(["secretsmanager", "get-secret-value", "--secret-id", name]) as? [String: Any]
                    let text = try #require(stored?["SecretString"] as? String)
                    var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
                    let generated = try #require(object[key])
                    #expect(generated.count == 48)
                    canaries["generated \(name)"] = generated
                    let canary = "canary\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
                    object[key] = canary
                    canaries[name] = canary
                    let json = String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
                    _ = try await aws.json(["secretsmanager", "put-secret-value", "--secret-id", name, "--secret-string", json])
                }

                // Plan, apply, output, and the service with a drift check (Terraform reads every secret again).
                let plan = try await run(["plan", "--json"])
                #expect(plan.status == 0, "no change: \(plan.stdout)")
                #expect(try await run(["apply", "--auto-approve"]).status == 0)
                let output = try await run(["output", "--json"])
                #expect(output.stdout.contains("demo/terrace/admin"), "the output names the admin secret")
                #expect(output.stdout.contains("https://keycloak.demo.example.com/admin/demo/console/"))

                let source = workspace.folder.appendingPathComponent("source")
                try FileManager.default.copyItem(at: workspace.repo, to: source)
                for arguments in [["init", "--quiet", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "quickstart"]] {
                    _ = try await CommandRunner.runExecutable("/usr/bin/env", ["git"] + arguments, in: source)
                }
                let serve = try await ServeProcess.start(
                    ["--repo", source.absoluteString, "--interval", "1h", "--drift-interval", "1s", "--data", "data"],
                    in: workspace.folder, environment: workspace.environment)
                defer { serve.kill() }
                let token = try #require(serve.printedToken, "\(serve.log)")
                try await serve.waitUntil("a drift check of demo") {
                    let status = try await serve.api("/infrastructures/demo", token: token)
                    return (status["infrastructure"] as? [String: Any])?["lastDriftCheck"] != nil
                }
                var answers: [(String, String)] = []
                for path in ["/api/v1/source", "/api/v1/infrastructures", "/api/v1/infrastructures/demo?runs=500", "/api/v1/runs?limit=1000", "/metrics"] {
                    let (status, body) = try await serve.request("GET", path, token: token)
                    #expect(status == 200, "\(path)")
                    answers.append((path, String(decoding: body, as: UTF8.self)))
                }
                let runs = try await serve.api("/runs?limit=1000", token: token)["runs"] as? [[String: Any]] ?? []
                for run in runs {
                    guard let id = run["id"] as? String else { continue }
                    let (_, body) = try await serve.request("GET", "/api/v1/runs/\(id)", token: token)
                    answers.append(("/api/v1/runs/\(id)", String(decoding: body, as: UTF8.self)))
                }
                #expect(await serve.terminate())

                // Where they must not be: what Terrace printed and served, every file of the workspace (unit logs,
                // caches, the service's database and logs), Terrace's records in the bucket, and every object Terrace
                // applied to the cluster as the cluster holds it.
                var places = printed + answers + Self.files(below: workspace.folder)
                let keys = try await aws.list(["s3api", "list-objects-v2", "--bucket", "quickstart-demo-tfstate"], "Contents")
                    .compactMap { $0["Key"] as? String }
                #expect(keys.contains("terrace/demo/record.json"))
                for key in keys where !key.hasSuffix(".tfstate") {
                    let copy = workspace.folder.appendingPathComponent("s3-object")
                    _ = try await aws.json(["s3api", "get-object", "--bucket", "quickstart-demo-tfstate", "--key", key, copy.path])
                    places.append(("s3://quickstart-demo-tfstate/\(key)", (try? String(contentsOf: copy, encoding: .utf8)) ?? ""))
                    try? FileManager.default.removeItem(at: copy)
                }
                let record = try #require(places.first { $0.0 == "s3://quickstart-demo-tfstate/terrace/demo/record.json" }?.1)
                let inventory = (Value.parseJSON(Array(record.utf8)).flatMap { record -> [Value]? in
                    guard case .map(let units)? = record["units"] else { return nil }
                    return units.values.flatMap { $0["inventory"]?.listValue ?? [] }
                }) ?? []
                #expect(inventory.count > 80, "the record holds what Terrace applied to the cluster")
                let config = try KubeConfig.load(path: cluster.directory.path + "/kubeconfig")
                try await KubernetesClient.withClient(try config.connection(context: "test")) { client in
                    for key in inventory.compactMap(\.stringValue) {
                        guard let reference = ObjectReference(inventoryKey: key), let live = try await client.get(reference) else { continue }
                        places.append(("cluster: \(key)", live.canonicalJSON))
                    }
                }
                #expect(places.contains { $0.1.contains("keycloak-admin") }, "the search reads the rendered objects")
                // The search would find a secret where one is: Terraform's own state of the `addons` unit holds the
                // generated admin password (documented; it is the one place besides Secrets Manager).
                let state = workspace.folder.appendingPathComponent("addons.tfstate")
                _ = try await aws.json(["s3api", "get-object", "--bucket", "quickstart-demo-tfstate", "--key", "demo/addons/terraform.tfstate", state.path])
                let stateHoldsIt = try String(contentsOf: state, encoding: .utf8).contains(canaries["generated demo/terrace/admin"] ?? "-")
                #expect(stateHoldsIt, "the generated password is where Terraform keeps it")
                try? FileManager.default.removeItem(at: state)
                for (name, canary) in canaries {
                    let found = places.filter { $0.1.contains(canary) }.map(\.0)
                    // Never print the value itself, even in a failure.
                    #expect(found.isEmpty, "\(name) appears in: \(found)")
                }
                // And each is in Secrets Manager.
                for (name, key) in Self.secrets {
                    let stored = try await aws.json(["secretsmanager", "get-secret-value", "--secret-id", name]) as? [String: Any]
                    let object = try JSONSerialization.jsonObject(with: Data((stored?["SecretString"] as? String ?? "").utf8)) as? [String: String]
                    let matches = object?[key] == canaries[name]
                    #expect(matches, "\(name) holds its canary")
                }
            }
        }
    }
}
