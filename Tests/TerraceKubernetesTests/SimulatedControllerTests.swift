import Crypto
import Foundation
import TerraceAWS
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// The Kubernetes API test server's simulated controllers (`-simulate-controllers`: Deployments, StatefulSets and
/// Argo CD Applications report what a real cluster's controllers would, Argo CD's finalizer is worked off) and its
/// EKS token check (`-accept-eks-tokens`), driven through the Terrace client.
@Suite(.serialized) struct SimulatedControllerTests {
    static func withClient(
        simulate: Bool = true, _ body: (KubernetesClient, KubernetesTestServer) async throws -> Void
    ) async throws {
        try await KubernetesTestServer.with(establishDelay: 0.05, simulateControllers: simulate) { server in
            let config = try KubeConfig(parsing: server.kubeconfig(), path: server.directory.path + "/kubeconfig")
            try await KubernetesClient.withClient(try config.connection(context: "test")) { client in
                try await body(client, server)
            }
        }
    }

    /// Polls until `check` holds for the object (the controllers write shortly after the write they react to).
    @discardableResult
    static func waitUntil(
        _ client: KubernetesClient, _ reference: ObjectReference, _ what: String,
        _ check: @escaping @Sendable (Value) -> Bool
    ) async throws -> Value {
        let object = try await client.wait(for: reference, timeout: .seconds(20), pollInterval: .milliseconds(20), what: what) {
            object in
            guard let object else { return .pending("the object does not exist") }
            if check(object) { return .done }
            let status = object["status"]
            return .pending(
                "sync \(status?["sync"]?["status"]?.stringValue ?? "-"), health \(status?["health"]?["status"]?.stringValue ?? "-"), "
                    + "observedGeneration \(status?["observedGeneration"]?.intValue.map(String.init) ?? "-")")
        }
        return try #require(object)
    }

    static func version(_ object: Value?) -> String? { object?["metadata"]?["resourceVersion"]?.stringValue }

    /// The managedFields entries as (manager, operation, subresource).
    static func managers(_ object: Value) -> [String] {
        (object["metadata"]?["managedFields"]?.listValue ?? []).map {
            [$0["manager"]?.stringValue, $0["operation"]?.stringValue, $0["subresource"]?.stringValue]
                .map { $0 ?? "-" }.joined(separator: " ")
        }
    }

    // MARK: - Deployments and StatefulSets

    static func deployment(_ name: String, replicas: Int?) -> Value {
        var spec: [String: Value] = [
            "selector": ["matchLabels": ["app": .string(name)]],
            "template": [
                "metadata": ["labels": ["app": .string(name)]],
                "spec": ["containers": [["name": "web", "image": "nginx:1.27"]]],
            ],
        ]
        if let replicas { spec["replicas"] = Value(integerLiteral: replicas) }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "namespace": "default"],
            "spec": .map(spec),
        ]
    }

    @Test func deploymentsAndStatefulSetsReportReadyAndAReApplyWritesNothing() async throws {
        try await Self.withClient { client, _ in
            let web = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web")
            let applied = try await client.apply(Self.deployment("web", replicas: 2))
            // The write's own answer: nothing has reported on it yet.
            #expect(applied["status"] == nil)
            let ready = try #require(
                try await client.waitForCondition(web, type: "Available", timeout: .seconds(20), pollInterval: .milliseconds(20)))
            let status = try #require(ready["status"])
            #expect(status["observedGeneration"]?.intValue == 1)
            for field in ["replicas", "readyReplicas", "availableReplicas", "updatedReplicas"] {
                #expect(status[field]?.intValue == 2, "\(field)")
            }
            #expect(ready.condition("Available")?["reason"]?.stringValue == "MinimumReplicasAvailable")
            #expect(ready.condition("Progressing")?["status"]?.stringValue == "True")
            #expect(ready.condition("Progressing")?["reason"]?.stringValue == "NewReplicaSetAvailable")
            // Status came through the status subresource, as its own manager: the apply's ownership is untouched.
            #expect(Self.managers(ready) == ["terrace Apply -", "simulated-controller Update status"])

            // Re-applying the same Deployment writes nothing, and so triggers no status write either; nor does a dry run.
            let version = try #require(Self.version(ready))
            let again = try await client.apply(Self.deployment("web", replicas: 2))
            #expect(Self.version(again) == version)
            let preview = try await client.apply(Self.deployment("web", replicas: 5), dryRun: true)
            #expect(preview["spec"]?["replicas"]?.intValue == 5)
            // A second Deployment reported on after those writes: a status write they had caused would be done by now.
            try await client.apply(Self.deployment("marker", replicas: nil))
            let marker = try await client.waitForCondition(
                ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "marker"),
                type: "Available", timeout: .seconds(20), pollInterval: .milliseconds(20))
            #expect(marker?["status"]?["readyReplicas"]?.intValue == 1)  // spec.replicas defaults to 1
            let unchanged = try await client.get(web)
            #expect(Self.version(unchanged) == version)
            #expect(unchanged?["status"]?["readyReplicas"]?.intValue == 2)

            // A spec change: a new generation, observed with the new replica count.
            let scaled = try await client.apply(Self.deployment("web", replicas: 3))
            #expect(scaled["metadata"]?["generation"]?.intValue == 2)
            let observed = try await Self.waitUntil(client, web, "observed generation 2") {
                $0["status"]?["observedGeneration"]?.intValue == 2
            }
            #expect(observed["status"]?["readyReplicas"]?.intValue == 3)
            #expect(observed["status"]?["availableReplicas"]?.intValue == 3)

            // A StatefulSet (spec.replicas left to its default of 1).
            let statefulSet: Value = [
                "apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": ["name": "controller", "namespace": "default"],
                "spec": [
                    "serviceName": "controller", "selector": ["matchLabels": ["app": "controller"]],
                    "template": [
                        "metadata": ["labels": ["app": "controller"]],
                        "spec": ["containers": [["name": "controller", "image": "argocd:3.5.1"]]],
                    ],
                ],
            ]
            try await client.apply(statefulSet)
            let sts = try await Self.waitUntil(
                client, ObjectReference(apiVersion: "apps/v1", kind: "StatefulSet", namespace: "default", name: "controller"),
                "observed"
            ) { $0["status"]?["observedGeneration"]?.intValue == 1 }
            let stsStatus = try #require(sts["status"])
            for field in ["replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"] {
                #expect(stsStatus[field]?.intValue == 1, "\(field)")
            }
            #expect(stsStatus["currentRevision"] != nil)
            #expect(stsStatus["currentRevision"] == stsStatus["updateRevision"])
        }
    }

    // MARK: - Argo CD Applications

    /// Applies Argo CD's Application CRD (from the v3.5.1 install manifest) and the `argocd` namespace.
    static func installApplicationCRD(_ client: KubernetesClient) async throws {
        let install = try ArgoCDBootstrapTests.install()
        let crd = try #require(
            install.customResourceDefinitions.first { $0["metadata"]?["name"]?.stringValue == "applications.argoproj.io" })
        try await client.apply(crd)
        try await client.waitForCondition(
            ObjectReference(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "applications.argoproj.io"),
            type: "Established", timeout: .seconds(20), pollInterval: .milliseconds(20))
        try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "argocd"]])
    }

    static func application(_ name: String, source: Value, namespace: String = "argocd") -> Value {
        [
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "finalizers": ["resources-finalizer.argocd.argoproj.io"],
            ],
            "spec": [
                "project": "default", "source": source,
                "destination": ["server": "https://kubernetes.default.svc", "namespace": .string(name)],
                "syncPolicy": [
                    "automated": ["prune": true, "selfHeal": true],
                    "syncOptions": ["CreateNamespace=true", "ServerSideApply=true"],
                ],
            ],
        ]
    }

    static func chart(_ version: String, values: Value = ["replicaCount": 2]) -> Value {
        [
            "repoURL": "https://stefanprodan.github.io/podinfo", "chart": "podinfo", "targetRevision": .string(version),
            "helm": ["valuesObject": values],
        ]
    }

    static func gitSource(_ revision: String) -> Value {
        ["repoURL": "https://github.com/example/apps.git", "path": "apps/web", "targetRevision": .string(revision)]
    }

    static func applicationReference(_ name: String, namespace: String = "argocd") -> ObjectReference {
        ObjectReference(apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: namespace, name: name)
    }

    /// The fake commit the simulated controller reports for a git source.
    static func fakeCommit(_ repoURL: String, _ path: String, _ revision: String) -> String {
        Insecure.SHA1.hash(data: Data((repoURL + "\n" + path + "\n" + revision).utf8))
            .map { String(format: "%02x", $0) }.joined()
    }

    static let synced: @Sendable (Value) -> Bool = {
        $0["status"]?["sync"]?["status"]?.stringValue == "Synced"
            && $0["status"]?["health"]?["status"]?.stringValue == "Healthy"
            && $0["status"]?["operationState"]?["phase"]?.stringValue == "Succeeded"
    }

    @Test func applicationsReportAnAutomatedSyncAtTheirSourcesRevision() async throws {
        try await Self.withClient { client, _ in
            try await Self.installApplicationCRD(client)
            try await client.apply(Self.application("podinfo", source: Self.chart("6.7.1")))
            try await client.apply(Self.application("web", source: Self.gitSource("main")))
            let chartApp = try await Self.waitUntil(client, Self.applicationReference("podinfo"), "Synced and Healthy", Self.synced)
            let gitApp = try await Self.waitUntil(client, Self.applicationReference("web"), "Synced and Healthy", Self.synced)

            let commit = Self.fakeCommit("https://github.com/example/apps.git", "apps/web", "main")
            for (app, revision, type) in [(chartApp, "6.7.1", "Helm"), (gitApp, commit, "Directory")] {
                let status = try #require(app["status"])
                let name = app["metadata"]?["name"]?.stringValue ?? "?"
                #expect(status["sync"]?["revision"]?.stringValue == revision, "\(name)")
                #expect(status["sync"]?["comparedTo"]?["source"] == app["spec"]?["source"], "\(name)")
                #expect(status["sync"]?["comparedTo"]?["destination"] == app["spec"]?["destination"], "\(name)")
                #expect(status["sourceType"]?.stringValue == type, "\(name)")
                #expect(status["reconciledAt"]?.stringValue != nil, "\(name)")
                let operation = try #require(status["operationState"])
                #expect(operation["message"]?.stringValue == "successfully synced (all tasks run)")
                #expect(operation["operation"]?["sync"]?["revision"]?.stringValue == revision, "\(name)")
                #expect(operation["operation"]?["initiatedBy"]?["automated"] == .bool(true))
                #expect(operation["syncResult"]?["revision"]?.stringValue == revision, "\(name)")
                #expect(operation["syncResult"]?["source"] == app["spec"]?["source"], "\(name)")
                #expect(operation["startedAt"]?.stringValue != nil && operation["finishedAt"]?.stringValue != nil)
                #expect(status["history"]?.listValue?.compactMap { $0["revision"]?.stringValue } == [revision], "\(name)")
                #expect(status["conditions"] == nil)
                // The CRD has no status subresource: Argo CD writes status through the main resource.
                #expect(Self.managers(app) == ["terrace Apply -", "simulated-controller Update -"])
            }

            // An unchanged re-apply writes nothing.
            let again = try await client.apply(Self.application("podinfo", source: Self.chart("6.7.1")))
            #expect(Self.version(again) == Self.version(chartApp))

            // A new target revision: a new sync, recorded in the history.
            try await client.apply(Self.application("web", source: Self.gitSource("v2")))
            let newCommit = Self.fakeCommit("https://github.com/example/apps.git", "apps/web", "v2")
            let moved = try await Self.waitUntil(client, Self.applicationReference("web"), "synced at v2") {
                Self.synced($0) && $0["status"]?["sync"]?["revision"]?.stringValue == newCommit
            }
            #expect(moved["status"]?["operationState"]?["syncResult"]?["revision"]?.stringValue == newCommit)
            #expect(moved["status"]?["history"]?.listValue?.compactMap { $0["revision"]?.stringValue } == [commit, newCommit])
            #expect(moved["status"]?["history"]?.listValue?.compactMap { $0["id"]?.intValue } == [0, 1])
            try await Self.validate([chartApp, gitApp, moved])
        }
    }

    @Test func applicationFailuresAreSimulatedFromTheHelmValues() async throws {
        try await Self.withClient { client, _ in
            try await Self.installApplicationCRD(client)
            try await client.apply(Self.application("degraded", source: Self.chart("1.0.0", values: ["simulate": "Degraded"])))
            // `simulate:` as a line of the Helm values text.
            let syncErrorSource: Value = [
                "repoURL": "https://github.com/example/apps.git", "path": "charts/api", "targetRevision": "main",
                "helm": ["values": "replicaCount: 1\nsimulate: SyncError\n"],
            ]
            try await client.apply(Self.application("sync-error", source: syncErrorSource))
            try await client.apply(Self.application("comparison", source: Self.chart("1.0.0", values: ["simulate": "ComparisonError"])))
            try await client.apply(Self.application("invalid", source: Self.chart("1.0.0", values: ["simulate": "InvalidSpecError"])))
            try await client.apply(Self.application("slow", source: Self.chart("1.0.0", values: ["simulate": "Progressing"])))

            let degraded = try await Self.waitUntil(client, Self.applicationReference("degraded"), "Degraded") {
                $0["status"]?["health"]?["status"]?.stringValue == "Degraded"
            }
            #expect(degraded["status"]?["health"]?["message"]?.stringValue == "Deployment degraded has 0 available replicas (simulated)")
            #expect(degraded["status"]?["sync"]?["status"]?.stringValue == "Synced")
            #expect(degraded["status"]?["sync"]?["revision"]?.stringValue == "1.0.0")
            #expect(degraded["status"]?["operationState"]?["phase"]?.stringValue == "Succeeded")

            var failed: [Value] = []
            for (name, type) in [("sync-error", "SyncError"), ("comparison", "ComparisonError"), ("invalid", "InvalidSpecError")] {
                let app = try await Self.waitUntil(client, Self.applicationReference(name), type) {
                    $0["status"]?["conditions"] != nil
                }
                let conditions = app["status"]?["conditions"]?.listValue ?? []
                #expect(conditions.compactMap { $0["type"]?.stringValue } == [type])
                #expect(conditions.first?["message"]?.stringValue == "\(type) simulated for \(name)")
                #expect(conditions.first?["lastTransitionTime"]?.stringValue != nil)
                #expect(app["status"]?["sync"]?["status"]?.stringValue == "OutOfSync", "\(name)")
                #expect(app["status"]?["health"]?["status"]?.stringValue == "Missing", "\(name)")
                #expect(app["status"]?["history"] == nil, "\(name)")
                if type == "SyncError" {
                    #expect(app["status"]?["operationState"]?["phase"]?.stringValue == "Failed")
                    #expect(app["status"]?["operationState"]?["message"]?.stringValue?.contains("SyncError simulated for sync-error") == true)
                } else {
                    #expect(app["status"]?["operationState"] == nil, "\(name)")
                }
                failed.append(app)
            }

            let slow = try await Self.waitUntil(client, Self.applicationReference("slow"), "Progressing") {
                $0["status"]?["health"]?["status"]?.stringValue == "Progressing"
            }
            #expect(slow["status"]?["sync"]?["status"]?.stringValue == "Synced")

            // Fixing the values: the next sync succeeds and the condition goes.
            let fixedSource: Value = [
                "repoURL": "https://github.com/example/apps.git", "path": "charts/api", "targetRevision": "main",
                "helm": ["values": "replicaCount: 1\n"],
            ]
            try await client.apply(Self.application("sync-error", source: fixedSource))
            let fixed = try await Self.waitUntil(client, Self.applicationReference("sync-error"), "Synced and Healthy", Self.synced)
            #expect(fixed["status"]?["conditions"] == nil)
            #expect(fixed["status"]?["sync"]?["revision"]?.stringValue == Self.fakeCommit("https://github.com/example/apps.git", "charts/api", "main"))
            #expect(fixed["status"]?["sourceType"]?.stringValue == "Helm")
            try await Self.validate([degraded, slow, fixed] + failed)
        }
    }

    /// Checks objects against the Application CRD's schema with Python's jsonschema, unknown fields refused (the
    /// server itself refuses them already, since the controller writes strictly; this adds `required` and types).
    static func validate(_ applications: [Value]) async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let objects = folder.appendingPathComponent("applications.json")
        try Data(Value.list(applications).canonicalJSON.utf8).write(to: objects)
        let script = """
            import json, sys, yaml, jsonschema
            crd = yaml.load(open(sys.argv[1]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
            def strict(node):
                if isinstance(node, dict):
                    if node.get("type") == "object" and "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
                        node.setdefault("additionalProperties", False)
                    for child in node.values():
                        strict(child)
                elif isinstance(node, list):
                    for child in node:
                        strict(child)
            strict(schema)
            validator = jsonschema.validators.validator_for(schema)(schema)
            for app in json.load(open(sys.argv[2])):
                validator.validate(app)
            print("ok")
            """
        let crd = URL(fileURLWithPath: ArgoCDBootstrapTests.fixturePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("crds/argoproj.io_application-crd.yaml").path
        let output = try await CommandRunner.runExecutable("/usr/bin/env", ["python3", "-c", script, crd, objects.path], in: folder)
        #expect(output.status == 0, "the Application CRD's schema refuses a status: \(output.stderr.suffix(1500))")
        #expect(output.stdout.contains("ok"))
    }

    // MARK: - Deletion

    @Test func argoCDsFinalizerIsWorkedOffOnDeletion() async throws {
        try await Self.withClient { client, _ in
            try await Self.installApplicationCRD(client)
            try await client.apply(Self.application("web", source: Self.gitSource("main")))
            try await Self.waitUntil(client, Self.applicationReference("web"), "Synced and Healthy", Self.synced)
            #expect(try await client.delete(Self.applicationReference("web")))
            try await client.waitForDeletion(Self.applicationReference("web"), timeout: .seconds(20), pollInterval: .milliseconds(20))

            // Only Argo CD's finalizer goes: another one keeps the object.
            let configMap: Value = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": [
                    "name": "kept", "namespace": "default",
                    "finalizers": ["resources-finalizer.argocd.argoproj.io", "example.com/keep"],
                ],
                "data": ["a": "1"],
            ]
            let kept = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "kept")
            try await client.apply(configMap)
            #expect(try await client.delete(kept))
            let waiting = try await Self.waitUntil(client, kept, "only example.com/keep left") {
                $0["metadata"]?["finalizers"]?.listValue == ["example.com/keep"]
            }
            #expect(waiting["metadata"]?["deletionTimestamp"] != nil)
            // Its owner drops the other finalizer (an apply without it): the object goes.
            try await client.apply([
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "kept", "namespace": "default"], "data": ["a": "1"],
            ])
            try await client.waitForDeletion(kept, timeout: .seconds(20), pollInterval: .milliseconds(20))

            // A namespace holding an Application and a ConfigMap with Argo CD's finalizer is emptied and removed.
            try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
            try await client.apply(Self.application("api", source: Self.gitSource("main"), namespace: "team"))
            try await client.apply([
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "settings", "namespace": "team", "finalizers": ["resources-finalizer.argocd.argoproj.io"]],
            ])
            try await Self.waitUntil(client, Self.applicationReference("api", namespace: "team"), "Synced and Healthy", Self.synced)
            let team = ObjectReference(apiVersion: "v1", kind: "Namespace", name: "team")
            #expect(try await client.delete(team))
            try await client.waitForDeletion(team, timeout: .seconds(20), pollInterval: .milliseconds(20))
            #expect(try await client.get(Self.applicationReference("api", namespace: "team")) == nil)
            #expect(
                try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "team", name: "settings")) == nil)
        }
    }

    // MARK: - EKS tokens

    static let awsCredentials = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    /// Whether the server accepts `credentials` (a LIST of namespaces succeeds); false on 401.
    static func accepted(_ credentials: KubernetesCredentials, by server: KubernetesTestServer) async throws -> Bool {
        let connection = KubernetesConnection(
            endpoint: KubernetesEndpoint(server: server.url, certificateAuthority: Array(server.caCertificatePEM.utf8)),
            credentials: credentials)
        return try await KubernetesClient.withClient(connection) { client in
            do throws(KubernetesError) {
                let namespaces = try await client.list(GroupVersionKind(apiVersion: "v1", kind: "Namespace"))
                return namespaces.contains { $0["metadata"]?["name"]?.stringValue == "default" }
            } catch {
                guard error.code == .unauthorized else { throw error }
                return false
            }
        }
    }

    static func token(_ url: String, prefix: String = EKSToken.prefix) -> KubernetesCredentials {
        .token(SensitiveData(prefix + EKSToken.base64URL(Array(url.utf8))))
    }

    /// `url` with query parameter `name` set to `value` (added when missing).
    static func replacing(_ name: String, with value: String, in url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        var pairs = url[url.index(after: mark)...].split(separator: "&").map(String.init)
        if let index = pairs.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            pairs[index] = name + "=" + value
        } else {
            pairs.append(name + "=" + value)
        }
        return String(url[..<mark]) + "?" + pairs.joined(separator: "&")
    }

    @Test func eksTokensAreAcceptedInTheirFormAndOnlyWithTheFlag() async throws {
        let now = Date()
        let fresh = try EKSToken(cluster: "prod", region: "eu-west-1", credentials: Self.awsCredentials, date: now)
        let url = fresh.presignedURL.text
        try await KubernetesTestServer.with(acceptEKSTokens: true) { server in
            // Real tokens, as the driver signs them: regional, global, with a session token.
            let provider = EKSTokenProvider(cluster: "prod", region: "eu-west-1", credentials: { Self.awsCredentials })
            #expect(try await Self.accepted(.eks(provider), by: server))
            #expect(try await Self.accepted(.token(fresh.token), by: server))
            let global = try EKSToken(
                cluster: "prod", region: "us-east-1", credentials: Self.awsCredentials, date: now,
                stsEndpoint: "https://sts.amazonaws.com")
            #expect(try await Self.accepted(.token(global.token), by: server))
            let session = try EKSToken(
                cluster: "prod", region: "eu-west-1",
                credentials: AWSCredentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "IQoJb3/+session="),
                date: now)
            #expect(try await Self.accepted(.token(session.token), by: server))
            // The server's own token still works.
            #expect(try await Self.accepted(.token(SensitiveData(server.token)), by: server))

            // Malformed or stale ones are refused.
            let stale = try EKSToken(
                cluster: "prod", region: "eu-west-1", credentials: Self.awsCredentials, date: now.addingTimeInterval(-20 * 60))
            let future = try EKSToken(
                cluster: "prod", region: "eu-west-1", credentials: Self.awsCredentials, date: now.addingTimeInterval(20 * 60))
            let localSTS = try EKSToken(
                cluster: "prod", region: "eu-west-1", credentials: Self.awsCredentials, date: now,
                stsEndpoint: "http://127.0.0.1:5000")
            let otherHost = try EKSToken(
                cluster: "prod", region: "eu-west-1", credentials: Self.awsCredentials, date: now,
                stsEndpoint: "https://sts.example.com")
            let refused: [(String, KubernetesCredentials)] = [
                ("bad prefix", Self.token(url, prefix: "k8s-aws-v2.")),
                ("no prefix", Self.token(url, prefix: "")),
                ("padding", .token(SensitiveData(fresh.token.text + "=="))),
                ("x-k8s-aws-id not signed", Self.token(Self.replacing("X-Amz-SignedHeaders", with: "host", in: url))),
                ("host not signed", Self.token(Self.replacing("X-Amz-SignedHeaders", with: "x-k8s-aws-id", in: url))),
                ("stale date", .token(stale.token)),
                ("future date", .token(future.token)),
                ("not https", .token(localSTS.token)),
                ("not STS", .token(otherHost.token)),
                ("other action", Self.token(Self.replacing("Action", with: "AssumeRole", in: url))),
                ("other version", Self.token(Self.replacing("Version", with: "2010-01-01", in: url))),
                ("expires 0", Self.token(Self.replacing("X-Amz-Expires", with: "0", in: url))),
                ("expires 901", Self.token(Self.replacing("X-Amz-Expires", with: "901", in: url))),
                ("short signature", Self.token(Self.replacing("X-Amz-Signature", with: "abc123", in: url))),
                ("other algorithm", Self.token(Self.replacing("X-Amz-Algorithm", with: "AWS4-HMAC-SHA1", in: url))),
                ("unknown parameter", Self.token(Self.replacing("X-Extra", with: "1", in: url))),
                ("credential of another service", Self.token(url.replacingOccurrences(of: "%2Fsts%2F", with: "%2Fs3%2F"))),
                ("credential of another region", Self.token(url.replacingOccurrences(of: "%2Feu-west-1%2F", with: "%2Fus-west-2%2F"))),
            ]
            for (name, credentials) in refused {
                #expect(try await Self.accepted(credentials, by: server) == false, "\(name)")
            }
            // The log says why, never what: no token or signature in it.
            let log = server.log()
            let leaked = log.contains(fresh.token.text) || log.contains(String(fresh.token.text.dropFirst(11).prefix(40)))
                || log.contains("X-Amz-Signature=")
            // (Booleans first, so a failure prints no log line.)
            let namesStaleDate = log.contains("EKS token refused: X-Amz-Date not within 15 minutes of now")
            let namesUnsignedHeader = log.contains("EKS token refused: X-Amz-SignedHeaders lacks host or x-k8s-aws-id")
            #expect(!leaked)
            #expect(namesStaleDate)
            #expect(namesUnsignedHeader)
        }
        // Without -accept-eks-tokens only the server's token is accepted.
        try await KubernetesTestServer.with { server async throws in
            #expect(try await Self.accepted(.token(fresh.token), by: server) == false)
            #expect(try await Self.accepted(.token(SensitiveData(server.token)), by: server))
        }
    }
}
