import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// Argo CD's real v3.5.1 install manifest, as ``ArgoCDInstall`` prepares it, applied through the driver to the
/// Kubernetes API test server (Go, the real server-side apply merge library, Kubernetes' own schemas and the CRDs'
/// schemas under `fieldValidation=Strict`).
@Suite(.serialized) struct ArgoCDBootstrapTests {
    /// `shared/` sits beside the repository, here and in CI.
    static let fixturePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/argo-cd/v3.5.1/install.yaml").path

    static func install(namespace: String = "argocd") throws -> ArgoCDInstall {
        let data = try #require(FileManager.default.contents(atPath: fixturePath), "the Argo CD fixture is missing at \(fixturePath)")
        return try ArgoCDInstall(
            manifest: Array(data), version: ArgoCDInstall.defaultVersion, sha256: ArgoCDInstall.defaultSHA256,
            namespace: namespace)
    }

    static let facts = ArgoCDInstall.ClusterFacts(
        clusterName: "prod-eks", region: "eu-west-1", accountID: "123456789012", vpcID: "vpc-0abc", domain: "example.org",
        zoneID: "Z123", enabledAddons: ["external_dns", "cert-manager"],
        roleARNs: ["external_dns": "arn:aws:iam::123456789012:role/external-dns"])

    static func withClient(_ body: (KubernetesClient, KubernetesTestServer) async throws -> Void) async throws {
        try await KubernetesTestServer.with(establishDelay: 0.2) { server in
            let config = try KubeConfig(parsing: server.kubeconfig(), path: server.directory.path + "/kubeconfig")
            try await KubernetesClient.withClient(try config.connection(context: "test")) { client in
                try await body(client, server)
            }
        }
    }

    /// Applies the phases in order as the `argocd` unit does (``ArgoCDBootstrapper``): the Namespace, the CRDs, a wait
    /// for each CRD's `Established` (unless the apply's answer already says so), the rest, then the cluster Secret.
    /// Returns every object as the server answered.
    static func bootstrap(_ install: ArgoCDInstall, secret: Value, client: KubernetesClient) async throws -> [Value] {
        let settings = KubernetesUnitSettings(crdTimeout: .seconds(30), pollInterval: .milliseconds(50))
        return try await ArgoCDBootstrapper(client: client, settings: settings).apply(install, secret: secret)
    }

    /// The server's resourceVersion counter now: a write of a fresh probe object takes the next value.
    static func probeVersion(_ client: KubernetesClient, _ name: String) async throws -> Int {
        let probe: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "default"]]
        let stored = try await client.apply(probe)
        return try #require(stored["metadata"]?["resourceVersion"]?.stringValue.flatMap { Int($0) })
    }

    @Test func bootstrapsArgoCDInPhasesAndASecondApplyWritesNothing() async throws {
        let install = try Self.install()
        let secret = try install.clusterSecret(Self.facts)
        try await Self.withClient { client, server in
            let clock = ContinuousClock()
            let before = client.requestCounts
            let start = clock.now
            let applied = try await Self.bootstrap(install, secret: secret, client: client)
            let elapsed = clock.now - start
            let counts = client.requestCounts
            print(
                "ArgoCD bootstrap (\(install.objects.count + 1) objects): \(counts.requests - before.requests) requests, "
                    + "\(counts.writes - before.writes) writes, \(counts.retries - before.retries) retries, wall time \(elapsed)")
            #expect(applied.count == 61)

            // Every object is where it belongs, as the server has it.
            var versions: [String: Value] = [:]
            for object in install.objects + [secret] {
                let reference = try ObjectReference(of: object)
                let stored = try #require(try await client.get(reference), "\(reference) is missing")
                versions[reference.description] = stored["metadata"]?["resourceVersion"]
                let clusterScoped = ArgoCDInstall.clusterScopedKinds.contains(reference.kind.kind)
                #expect(stored["metadata"]?["namespace"]?.stringValue == (clusterScoped ? nil : "argocd"), "\(reference)")
            }
            let deployments = try await client.list(GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment"))
            #expect(Set(deployments.compactMap { $0["metadata"]?["namespace"]?.stringValue }) == ["argocd"])
            #expect(deployments.count == 6)
            let bindings = try await client.list(GroupVersionKind(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding"))
            let subjects = bindings.filter { $0["metadata"]?["name"]?.stringValue?.hasPrefix("argocd-") == true }
                .flatMap { $0["subjects"]?.listValue ?? [] }
            #expect(subjects.count == 3)
            #expect(subjects.allSatisfy { $0["namespace"]?.stringValue == "argocd" })
            let configMap = try #require(
                try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: "argocd-cm")))
            #expect(configMap["data"]?[ArgoCDInstall.applicationHealthKey]?.stringValue == ArgoCDInstall.applicationHealthScript)
            let storedSecret = try #require(
                try await client.get(ObjectReference(apiVersion: "v1", kind: "Secret", namespace: "argocd", name: "in-cluster")))
            #expect(storedSecret["metadata"]?["labels"]?["argocd.argoproj.io/secret-type"]?.stringValue == "cluster")
            #expect(storedSecret["metadata"]?["annotations"]?["terrace.dev/cluster-name"]?.stringValue == "prod-eks")

            // The order the server saw: the Namespace, the three CRDs, the CRDs awaited, ..., the cluster Secret last.
            // (Read once the checks below have made more requests, so the server has logged the bootstrap's; the
            // bootstrap's part ends where those checks start, with the Namespace's GET.)
            let fullLog = server.log()
            let end = try #require(fullLog.range(of: "GET /api/v1/namespaces/argocd -> "))
            let log = String(fullLog[..<end.lowerBound])
            let patches = log.split(separator: "\n").filter { $0.contains("PATCH ") }
            print("ArgoCD bootstrap, server side: " + Self.serverTimes(log))
            #expect(patches.count == 61)
            #expect(patches.first?.contains("PATCH /api/v1/namespaces/argocd?") == true)
            for (offset, crd) in install.customResourceDefinitions.enumerated() {
                let name = crd["metadata"]?["name"]?.stringValue ?? "?"
                #expect(patches[1 + offset].contains("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/\(name)?"))
            }
            #expect(patches.last?.contains("PATCH /api/v1/namespaces/argocd/secrets/in-cluster?") == true)
            // Every apply was strict, the generated and changed objects' included.
            #expect(patches.allSatisfy { $0.contains("fieldValidation=Strict") && $0.contains("fieldManager=terrace") })
            #expect(patches.contains { $0.contains("/namespaces/argocd/configmaps/argocd-cm?") })
            let lastCRDWait = try #require(log.range(of: "GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/", options: .backwards))
            let firstResource = try #require(log.range(of: "PATCH /api/v1/namespaces/argocd/serviceaccounts/"))
            #expect(lastCRDWait.lowerBound < firstResource.lowerBound)

            // A second apply of everything: no object changes, and the server's version counter does not move.
            let versionBefore = try await Self.probeVersion(client, "probe-before")
            let againBefore = client.requestCounts
            let againStart = clock.now
            let again = try await Self.bootstrap(install, secret: secret, client: client)
            let againElapsed = clock.now - againStart
            let againCounts = client.requestCounts
            print(
                "ArgoCD re-apply: \(againCounts.requests - againBefore.requests) requests "
                    + "(\(againCounts.writes - againBefore.writes) PATCHes, all no-ops), wall time \(againElapsed)")
            let versionAfter = try await Self.probeVersion(client, "probe-after")
            #expect(versionAfter == versionBefore + 1, "the re-apply wrote \(versionAfter - versionBefore - 1) times")
            #expect(again.count == applied.count)
            for (object, answer) in zip(install.objects + [secret], again) {
                let reference = try ObjectReference(of: object)
                #expect(answer["metadata"]?["resourceVersion"] != nil)
                #expect(answer["metadata"]?["resourceVersion"] == versions[reference.description], "\(reference) changed")
            }
        }
    }

    /// The server's total time and its slowest requests, from its log lines (`METHOD PATH -> CODE (DURATION)`).
    static func serverTimes(_ log: String) -> String {
        var entries: [(milliseconds: Double, request: String)] = []
        for line in log.split(separator: "\n") {
            guard let open = line.lastIndex(of: "("), line.hasSuffix(")"), let arrow = line.range(of: " -> ") else { continue }
            let duration = line[line.index(after: open)..<line.index(before: line.endIndex)]
            let milliseconds: Double? =
                duration.hasSuffix("ms") ? Double(duration.dropLast(2))
                : duration.hasSuffix("s") ? Double(duration.dropLast()).map { $0 * 1000 } : 0
            let request = line[..<arrow.lowerBound].split(separator: " ").suffix(2).joined(separator: " ")
            entries.append((milliseconds ?? 0, String(request.prefix(while: { $0 != "?" }))))
        }
        let total = entries.reduce(0) { $0 + $1.milliseconds }
        let slowest = entries.sorted { $0.milliseconds > $1.milliseconds }.prefix(4)
            .map { "\($0.request) \(Int($0.milliseconds))ms" }.joined(separator: ", ")
        return "\(entries.count) requests, \(Int(total))ms in handlers; slowest: \(slowest)"
    }

    @Test func strictValidationChecksTheObjectsTerraceGeneratesOrChanges() async throws {
        let install = try Self.install()
        let secret = try install.clusterSecret(Self.facts)
        let configMap = try #require(
            install.resources.first { $0["kind"]?.stringValue == "ConfigMap" && $0["metadata"]?["name"]?.stringValue == "argocd-cm" })
        try await Self.withClient { client, _ in
            try await client.apply(install.namespaceObject)
            // Both pass the server's strict validation against Kubernetes' schemas (dry run, then for real).
            for object in [secret, configMap] {
                try await client.apply(object, dryRun: true)
                try await client.apply(object)
            }
            // The check is live for these kinds: one unknown field in either is refused.
            for object in [secret, configMap] {
                guard case .map(var entries) = object else { Issue.record("not a map"); continue }
                entries["metadata"] = (entries["metadata"] ?? [:]).setting("labelz", to: ["a": "b"])
                let error = try await #require(throws: KubernetesError.self) {
                    try await client.apply(.map(entries), dryRun: true)
                }
                #expect(error.code == .invalid)
                #expect(error.message.contains("labelz"))
            }
        }
    }
}
