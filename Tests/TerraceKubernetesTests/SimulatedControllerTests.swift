import Crypto
import Foundation
import TerraceAWS
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// The Kubernetes API test server's simulated controllers (`-simulate-controllers`: Deployments, StatefulSets, Jobs,
/// Argo CD Applications and the addons' custom resources report what a real cluster's controllers would, a synced
/// chart's CRDs are created (`-chart-crds`), Argo CD's finalizer is worked off) and its EKS token check
/// (`-accept-eks-tokens`), driven through the Terrace client.
@Suite(.serialized) struct SimulatedControllerTests {
    static func withClient(
        simulate: Bool = true, chartCRDs: [String: [String]] = [:],
        _ body: (KubernetesClient, KubernetesTestServer) async throws -> Void
    ) async throws {
        try await KubernetesTestServer.with(establishDelay: 0.05, simulateControllers: simulate, chartCRDs: chartCRDs) { server in
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

    // MARK: - Chart CRDs and the addons' custom resources

    static func crdReference(_ name: String) -> ObjectReference {
        ObjectReference(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: name)
    }

    static let certManagerCRDs = ["certificates.cert-manager.io", "clusterissuers.cert-manager.io", "issuers.cert-manager.io"]

    /// An Application of a catalogue chart (no Helm values), in `argocd`.
    static func addonApplication(_ name: String, sources: [Value]) -> Value {
        var app = application(name, source: sources[0])
        if sources.count > 1, case .map(var spec) = app["spec"] {
            spec["source"] = nil
            spec["sources"] = .list(sources)
            app = app.setting("spec", to: .map(spec))
        }
        return app
    }

    static func chartSource(_ repo: String, _ chart: String, _ version: String) -> Value {
        ["repoURL": .string(repo), "chart": .string(chart), "targetRevision": .string(version)]
    }

    static let certManagerChart = chartSource("https://charts.jetstack.io", "cert-manager", "v1.19.1")

    /// A ClusterIssuer for Let's Encrypt with a Route 53 DNS-01 solver, as Terrace's cert-manager addon makes it.
    /// `extraRoute53` adds fields to the solver's `route53` (a misspelt one, for the refusal).
    static func clusterIssuer(_ name: String, annotations: [String: Value] = [:], extraRoute53: [String: Value] = [:]) -> Value {
        var route53: [String: Value] = ["region": "eu-west-1", "hostedZoneID": "Z0123456789ABC"]
        route53.merge(extraRoute53) { $1 }
        var metadata: [String: Value] = ["name": .string(name)]
        if !annotations.isEmpty { metadata["annotations"] = .map(annotations) }
        return [
            "apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": .map(metadata),
            "spec": [
                "acme": [
                    "email": "ops@example.org", "server": "https://acme-v02.api.letsencrypt.org/directory",
                    "privateKeySecretRef": ["name": .string(name + "-account")],
                    "solvers": [["dns01": ["route53": .map(route53)], "selector": ["dnsZones": ["example.org"]]]],
                ]
            ],
        ]
    }

    static func clusterIssuerReference(_ name: String) -> ObjectReference {
        ObjectReference(apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", name: name)
    }

    @Test func aSyncedChartInstallsItsCRDsAndAClusterIssuerBecomesReady() async throws {
        try await Self.withClient(chartCRDs: try KubernetesTestServer.addonChartCRDs()) { client, _ in
            try await Self.installApplicationCRD(client)
            // Before cert-manager's chart is synced, the cluster does not serve ClusterIssuers.
            do throws(KubernetesError) {
                try await client.apply(Self.clusterIssuer("letsencrypt"))
                Issue.record("a ClusterIssuer was accepted before cert-manager's CRDs were installed")
            } catch {
                #expect(error.code == .notFound, "\(error)")
            }

            try await client.apply(Self.addonApplication("cert-manager", sources: [Self.certManagerChart]))
            try await Self.waitUntil(client, Self.applicationReference("cert-manager"), "Synced and Healthy", Self.synced)
            // The chart's CRDs were created first (by Argo CD's manager, with its tracking annotation), and only its.
            for name in Self.certManagerCRDs {
                let crd = try #require(try await client.get(Self.crdReference(name)), "\(name) was not created by the sync")
                #expect(Self.managers(crd).first == "argocd-controller Apply -", "\(name)")
                #expect(
                    crd["metadata"]?["annotations"]?["argocd.argoproj.io/tracking-id"]?.stringValue
                        == "cert-manager:apiextensions.k8s.io/CustomResourceDefinition:/\(name)")
                try await client.waitForCondition(
                    Self.crdReference(name), type: "Established", timeout: .seconds(20), pollInterval: .milliseconds(20))
            }
            #expect(try await client.get(Self.crdReference("externalsecrets.external-secrets.io")) == nil)
            #expect(try await client.get(Self.crdReference("clusters.postgresql.cnpg.io")) == nil)
            // Discovery serves the kinds now.
            #expect(try await client.serverGroupVersions().contains("cert-manager.io/v1"))
            await client.invalidateDiscovery("cert-manager.io/v1")
            let served = try await client.resource(for: GroupVersionKind(apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer"))
            #expect(served.name == "clusterissuers")
            #expect(served.namespaced == false)

            // A valid ClusterIssuer becomes Ready, as cert-manager reports an ACME account registered.
            try await client.apply(Self.clusterIssuer("letsencrypt"))
            let ready = try #require(
                try await client.waitForCondition(
                    Self.clusterIssuerReference("letsencrypt"), type: "Ready", timeout: .seconds(20), pollInterval: .milliseconds(20)))
            let condition = try #require(ready.condition("Ready"))
            #expect(condition["reason"]?.stringValue == "ACMEAccountRegistered")
            #expect(condition["message"]?.stringValue == "The ACME account was registered with the ACME server")
            #expect(condition["observedGeneration"]?.intValue == 1)
            #expect(condition["lastTransitionTime"]?.stringValue != nil)
            #expect(ready["status"]?["acme"]?["lastRegisteredEmail"]?.stringValue == "ops@example.org")
            #expect(ready["status"]?["acme"]?["uri"]?.stringValue?.hasPrefix("https://acme-v02.api.letsencrypt.org/acme/acct/") == true)
            #expect(Self.managers(ready) == ["terrace Apply -", "simulated-controller Update status"])

            // A misspelt field is refused by the CRD's schema (strict validation), and nothing is stored.
            do throws(KubernetesError) {
                try await client.apply(Self.clusterIssuer("typo", extraRoute53: ["hostedZoneId": "Z0123456789ABC"]))
                Issue.record("a ClusterIssuer with an unknown field was accepted")
            } catch {
                #expect(error.code == .invalid)
                #expect(error.message.contains(".spec.acme.solvers[0].dns01.route53.hostedZoneId: field not declared in schema"), "\(error)")
            }
            #expect(try await client.get(Self.clusterIssuerReference("typo")) == nil)

            // `terrace.test/simulate: Failed`: Ready=False with cert-manager's reason; without it again, Ready=True.
            try await client.apply(Self.clusterIssuer("flaky", annotations: ["terrace.test/simulate": "Failed"]))
            let failed = try #require(
                try await client.waitForCondition(
                    Self.clusterIssuerReference("flaky"), type: "Ready", status: "False", timeout: .seconds(20),
                    pollInterval: .milliseconds(20)))
            #expect(failed.condition("Ready")?["reason"]?.stringValue == "ErrRegisterACMEAccount")
            #expect(failed.condition("Ready")?["message"]?.stringValue?.contains("(simulated)") == true)
            #expect(failed["status"]?["acme"] == nil)
            try await client.apply(Self.clusterIssuer("flaky"))
            let recovered = try await client.waitForCondition(
                Self.clusterIssuerReference("flaky"), type: "Ready", timeout: .seconds(20), pollInterval: .milliseconds(20))
            #expect(recovered?.condition("Ready")?["reason"]?.stringValue == "ACMEAccountRegistered")

            // An identical re-apply writes nothing: no new resourceVersion, hence no status write either.
            let issuerVersion = try #require(Self.version(ready))
            let again = try await client.apply(Self.clusterIssuer("letsencrypt"))
            #expect(Self.version(again) == issuerVersion)
            let appVersion = try #require(Self.version(try await client.get(Self.applicationReference("cert-manager"))))
            let sameApp = try await client.apply(Self.addonApplication("cert-manager", sources: [Self.certManagerChart]))
            #expect(Self.version(sameApp) == appVersion)

            // A re-sync (a new chart version) finds the CRDs there and equal: they are not written again.
            var crdVersions: [String: String] = [:]
            for name in Self.certManagerCRDs { crdVersions[name] = Self.version(try await client.get(Self.crdReference(name))) }
            try await client.apply(
                Self.addonApplication(
                    "cert-manager", sources: [Self.chartSource("https://charts.jetstack.io", "cert-manager", "v1.19.2")]))
            // The CRDs are handled in the same reconcile that reports the new revision, before it.
            try await Self.waitUntil(client, Self.applicationReference("cert-manager"), "synced at v1.19.2") {
                Self.synced($0) && $0["status"]?["sync"]?["revision"]?.stringValue == "v1.19.2"
            }
            for name in Self.certManagerCRDs {
                let crd = try await client.get(Self.crdReference(name))
                #expect(Self.version(crd) != nil)
                #expect(Self.version(crd) == crdVersions[name], "\(name) was written again by a no-op re-sync")
            }
            #expect(Self.version(try await client.get(Self.clusterIssuerReference("letsencrypt"))) == issuerVersion)
        }
    }

    @Test func theAddonsCustomResourcesReportWhatTheirControllersWould() async throws {
        let fixtures = KubernetesTestServer.fixturesFolder.appendingPathComponent("crds")
        var charts = try KubernetesTestServer.addonChartCRDs()
        // The Keycloak operator's CRDs under a chart name of this test's own (the catalogue's Keycloak has none).
        charts["keycloak-operator"] = ["keycloaks.k8s.keycloak.org-v1.yml", "keycloakrealmimports.k8s.keycloak.org-v1.yml"]
            .map { fixtures.appendingPathComponent($0).path }
        try await Self.withClient(chartCRDs: charts) { client, _ in
            try await Self.installApplicationCRD(client)
            // One Application with several chart sources installs each chart's CRDs.
            try await client.apply(
                Self.addonApplication(
                    "platform",
                    sources: [
                        Self.certManagerChart,
                        Self.chartSource("https://charts.external-secrets.io", "external-secrets", "0.20.4"),
                        Self.chartSource("https://cloudnative-pg.github.io/charts", "cloudnative-pg", "0.26.1"),
                        Self.chartSource("https://charts.example.com", "keycloak-operator", "26.0.0"),
                    ]))
            try await Self.waitUntil(client, Self.applicationReference("platform"), "Synced and Healthy", Self.synced)
            for name in [
                "certificates.cert-manager.io", "clustersecretstores.external-secrets.io", "externalsecrets.external-secrets.io",
                "clusters.postgresql.cnpg.io", "keycloaks.k8s.keycloak.org", "keycloakrealmimports.k8s.keycloak.org",
            ] {
                try await client.waitForCondition(
                    Self.crdReference(name), type: "Established", timeout: .seconds(20), pollInterval: .milliseconds(20))
            }
            try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "identity"]])

            let objects: [(Value, String, String?)] = [
                (
                    [
                        "apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": ["name": "web", "namespace": "identity"],
                        "spec": [
                            "secretName": "web-tls", "dnsNames": ["keycloak.example.org"], "duration": "2160h",
                            "issuerRef": ["name": "letsencrypt", "kind": "ClusterIssuer"],
                        ],
                    ], "Ready", "Certificate is up to date and has not expired"
                ),
                (
                    [
                        "apiVersion": "external-secrets.io/v1", "kind": "ClusterSecretStore", "metadata": ["name": "aws"],
                        "spec": ["provider": ["aws": ["service": "SecretsManager", "region": "eu-west-1"]]],
                    ], "Valid", "store validated"
                ),
                (
                    [
                        "apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
                        "metadata": ["name": "db", "namespace": "identity"],
                        "spec": [
                            "secretStoreRef": ["name": "aws", "kind": "ClusterSecretStore"], "target": ["name": "db-credentials"],
                            "data": [["secretKey": "password", "remoteRef": ["key": "prod/db", "property": "password"]]],
                        ],
                    ], "SecretSynced", "secret synced"
                ),
                (
                    [
                        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": ["name": "keycloak-db", "namespace": "identity"],
                        "spec": ["instances": 3, "storage": ["size": "10Gi"]],
                    ], "ClusterIsReady", "Cluster is Ready"
                ),
                (
                    [
                        "apiVersion": "k8s.keycloak.org/v2alpha1", "kind": "Keycloak", "metadata": ["name": "keycloak", "namespace": "identity"],
                        "spec": ["instances": 2, "hostname": ["hostname": "keycloak.example.org"]],
                    ], "Ready", nil
                ),
            ]
            var ready: [String: Value] = [:]
            for (object, reason, message) in objects {
                try await client.apply(object)
                let reference = try ObjectReference(of: object)
                let got = try #require(
                    try await client.waitForCondition(reference, type: "Ready", timeout: .seconds(20), pollInterval: .milliseconds(20)))
                let kind = reference.kind.kind
                let condition = try #require(got.condition("Ready"))
                if let message {
                    #expect(condition["reason"]?.stringValue == reason, "\(kind)")
                    #expect(condition["message"]?.stringValue == message, "\(kind)")
                }
                #expect(Self.managers(got) == ["terrace Apply -", "simulated-controller Update status"], "\(kind)")
                ready[kind] = got
            }
            // What each controller adds besides the condition, within its CRD's schema (the server writes strictly).
            let certificate = try #require(ready["Certificate"])
            #expect(certificate.condition("Ready")?["observedGeneration"]?.intValue == 1)
            #expect(certificate["status"]?["revision"]?.intValue == 1)
            #expect(certificate["status"]?["notAfter"]?.stringValue != nil && certificate["status"]?["renewalTime"]?.stringValue != nil)
            #expect(ready["ClusterSecretStore"]?["status"]?["capabilities"]?.stringValue == "ReadWrite")
            // external-secrets' conditions carry no observedGeneration: its CRDs declare none.
            #expect(ready["ClusterSecretStore"]?.condition("Ready")?["observedGeneration"] == nil)
            #expect(ready["ExternalSecret"]?["status"]?["binding"]?["name"]?.stringValue == "db-credentials")
            #expect(ready["ExternalSecret"]?["status"]?["syncedResourceVersion"]?.stringValue?.hasPrefix("1-") == true)
            let cluster = try #require(ready["Cluster"]?["status"])
            #expect(cluster["phase"]?.stringValue == "Cluster in healthy state")
            #expect(cluster["readyInstances"]?.intValue == 3)
            #expect(cluster["instances"]?.intValue == 3)
            #expect(cluster["currentPrimary"]?.stringValue == "keycloak-db-1")
            let keycloak = try #require(ready["Keycloak"])
            #expect(keycloak["status"]?["conditions"]?.listValue?.compactMap { $0["type"]?.stringValue } == ["Ready", "HasErrors", "RollingUpdate"])
            #expect(keycloak.condition("HasErrors")?["status"]?.stringValue == "False")
            #expect(keycloak.condition("Ready")?["observedGeneration"]?.intValue == 1)
            #expect(keycloak["status"]?["instances"]?.intValue == 2)

            // A realm import reports Done, as the Keycloak operator does (it has no Ready condition).
            let realmImport: Value = [
                "apiVersion": "k8s.keycloak.org/v2alpha1", "kind": "KeycloakRealmImport",
                "metadata": ["name": "terrace", "namespace": "identity"],
                "spec": ["keycloakCRName": "keycloak", "realm": ["realm": "terrace"]],
            ]
            try await client.apply(realmImport)
            let imported = try #require(
                try await client.waitForCondition(
                    try ObjectReference(of: realmImport), type: "Done", timeout: .seconds(20), pollInterval: .milliseconds(20)))
            #expect(imported.condition("HasErrors")?["status"]?.stringValue == "False")
            #expect(imported.condition("Ready") == nil)

            // Simulated failures, with the controllers' reasons.
            let failing: [(Value, String, String)] = [
                (
                    [
                        "apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
                        "metadata": ["name": "missing", "namespace": "identity", "annotations": ["terrace.test/simulate": "Failed"]],
                        "spec": [
                            "secretStoreRef": ["name": "aws", "kind": "ClusterSecretStore"],
                            "data": [["secretKey": "password", "remoteRef": ["key": "prod/missing"]]],
                        ],
                    ], "Ready", "SecretSyncedError"
                ),
                (
                    [
                        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
                        "metadata": ["name": "broken-db", "namespace": "identity", "annotations": ["terrace.test/simulate": "Failed"]],
                        "spec": ["instances": 1, "storage": ["size": "1Gi"]],
                    ], "Ready", "ClusterIsNotReady"
                ),
            ]
            for (object, type, reason) in failing {
                try await client.apply(object)
                let reference = try ObjectReference(of: object)
                let got = try #require(
                    try await client.waitForCondition(
                        reference, type: type, status: "False", timeout: .seconds(20), pollInterval: .milliseconds(20)))
                #expect(got.condition(type)?["reason"]?.stringValue == reason, "\(reference)")
                #expect(got.condition(type)?["message"]?.stringValue?.hasSuffix("(simulated)") == true, "\(reference)")
            }
            let brokenDB = try await client.get(
                ObjectReference(apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", namespace: "identity", name: "broken-db"))
            #expect(brokenDB?["status"]?["readyInstances"] == nil)
            #expect(brokenDB?["status"]?["phase"]?.stringValue != "Cluster in healthy state")
        }
    }

    @Test func onlyTheCRDsOfAChartsFilesAreCreated() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A chart file as `helm template --include-crds` prints it: comments, an empty document, a CRD and a ConfigMap.
        let file = folder.appendingPathComponent("widgets.yaml")
        try """
            # Source: widgets/templates/crds.yaml
            ---
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: widgets-settings, namespace: default}
            data: {a: "1"}
            --- # the CRD
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
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
                      spec: {type: object, properties: {size: {type: integer}}}
                      status: {type: object, x-kubernetes-preserve-unknown-fields: true}

            """.write(to: file, atomically: true, encoding: .utf8)
        try await Self.withClient(chartCRDs: ["widgets": [file.path]]) { client, _ in
            try await Self.installApplicationCRD(client)
            try await client.apply(
                Self.addonApplication("widgets", sources: [Self.chartSource("https://charts.example.com", "widgets", "1.0.0")]))
            // Another chart's Application creates nothing.
            try await client.apply(Self.application("podinfo", source: Self.chart("6.7.1")))
            try await Self.waitUntil(client, Self.applicationReference("widgets"), "Synced and Healthy", Self.synced)
            try await Self.waitUntil(client, Self.applicationReference("podinfo"), "Synced and Healthy", Self.synced)
            try await client.waitForCondition(
                Self.crdReference("widgets.example.com"), type: "Established", timeout: .seconds(20), pollInterval: .milliseconds(20))
            #expect(
                try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "widgets-settings"))
                    == nil)
            let crds = try await client.list(GroupVersionKind(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition"))
            #expect(crds.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted() == ["applications.argoproj.io", "widgets.example.com"])
        }

        // A file without any CRD is a mistake the server refuses to start with, naming the file.
        let empty = folder.appendingPathComponent("none.yaml")
        try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".write(to: empty, atomically: true, encoding: .utf8)
        do {
            let server = try await KubernetesTestServer.start(simulateControllers: true, chartCRDs: ["none": [empty.path]])
            server.stop()
            Issue.record("the server started with a chart file holding no CRD")
        } catch {
            #expect("\(error)".contains("none.yaml holds no apiextensions.k8s.io/v1 CustomResourceDefinition"), "\(error)")
        }
    }

    @Test func theAddonMappingNamesMissingFixtures() throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: HarnessError.self) { try KubernetesTestServer.addonChartCRDs(fixtures: folder) }
        do {
            _ = try KubernetesTestServer.addonChartCRDs(fixtures: folder)
        } catch {
            #expect("\(error)".contains("crds/postgresql.cnpg.io_crds.yaml"), "\(error)")
        }
        let mapping = try KubernetesTestServer.addonChartCRDs()
        #expect(mapping.keys.sorted() == ["cert-manager", "cloudnative-pg", "external-secrets"])
        #expect(mapping["cert-manager"]?.count == 3)
    }

    // MARK: - Jobs

    static func job(_ name: String, annotations: [String: Value] = [:], backoffLimit: Int? = nil) -> Value {
        var metadata: [String: Value] = ["name": .string(name), "namespace": "default"]
        if !annotations.isEmpty { metadata["annotations"] = .map(annotations) }
        var spec: [String: Value] = [
            "template": [
                "spec": ["restartPolicy": "Never", "containers": [["name": "migrate", "image": "busybox:1.37", "command": ["true"]]]]
            ]
        ]
        if let backoffLimit { spec["backoffLimit"] = Value(integerLiteral: backoffLimit) }
        return ["apiVersion": "batch/v1", "kind": "Job", "metadata": .map(metadata), "spec": .map(spec)]
    }

    static func jobReference(_ name: String) -> ObjectReference {
        ObjectReference(apiVersion: "batch/v1", kind: "Job", namespace: "default", name: name)
    }

    @Test func jobsCompleteOrFailAsAsked() async throws {
        try await Self.withClient { client, _ in
            try await client.apply(Self.job("migrate"))
            let done = try #require(
                try await client.waitForCondition(
                    Self.jobReference("migrate"), type: "Complete", timeout: .seconds(20), pollInterval: .milliseconds(20)))
            let status = try #require(done["status"])
            #expect(status["succeeded"]?.intValue == 1)
            #expect(status["failed"] == nil)
            #expect(status["startTime"]?.stringValue != nil && status["completionTime"]?.stringValue != nil)
            #expect(status["conditions"]?.listValue?.compactMap { $0["type"]?.stringValue } == ["SuccessCriteriaMet", "Complete"])
            #expect(done.condition("Complete")?["reason"]?.stringValue == "CompletionsReached")
            #expect(Self.managers(done) == ["terrace Apply -", "simulated-controller Update status"])

            try await client.apply(Self.job("broken", annotations: ["terrace.test/simulate": "Failed"], backoffLimit: 2))
            let failed = try #require(
                try await client.waitForCondition(
                    Self.jobReference("broken"), type: "Failed", timeout: .seconds(20), pollInterval: .milliseconds(20)))
            #expect(failed.condition("Failed")?["reason"]?.stringValue == "BackoffLimitExceeded")
            #expect(failed.condition("Failed")?["message"]?.stringValue?.contains("(simulated)") == true)
            #expect(failed.condition("Complete") == nil)
            #expect(failed["status"]?["failed"]?.intValue == 3)  // backoffLimit + 1 pods failed
            #expect(failed["status"]?["succeeded"] == nil)
            #expect(failed["status"]?["completionTime"] == nil)

            // An identical re-apply writes nothing.
            let again = try await client.apply(Self.job("migrate"))
            #expect(Self.version(again) == Self.version(done))
            try await Self.validateWithKubernetesSchemas([done, failed])
        }
    }

    /// Checks objects against Kubernetes' own schemas (PyPI's kubernetes-validate, 1.37, strict: unknown fields fail).
    static func validateWithKubernetesSchemas(_ objects: [Value]) async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("objects.json")
        try Data(Value.list(objects).canonicalJSON.utf8).write(to: file)
        let script = """
            import json, sys, kubernetes_validate
            for obj in json.load(open(sys.argv[1])):
                kubernetes_validate.validate(obj, "1.37.0", strict=True)
            print("ok")
            """
        let output = try await CommandRunner.runExecutable("/usr/bin/env", ["python3", "-c", script, file.path], in: folder)
        #expect(output.status == 0, "Kubernetes' schema refuses the object: \(output.stderr.suffix(1500))")
        #expect(output.stdout.contains("ok"))
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
