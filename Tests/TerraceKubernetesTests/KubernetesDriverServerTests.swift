import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// The driver against the Kubernetes API test server (Go, the real server-side apply merge library), over TLS with
/// its test CA and bearer token, reached through a kubeconfig as an existing cluster would be.
@Suite(.serialized) struct KubernetesDriverServerTests {
    static func withClient(_ body: (KubernetesClient, KubernetesTestServer) async throws -> Void) async throws {
        try await KubernetesTestServer.with(establishDelay: 0.1) { server in
            let config = try KubeConfig(parsing: server.kubeconfig(), path: server.directory.path + "/kubeconfig")
            let client = KubernetesClient(connection: try config.connection(context: "test"), connectTimeout: .seconds(5))
            do {
                try await body(client, server)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
    }

    static let namespace: Value = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "argocd"]]

    static func configMap(_ data: Value, labels: Value = ["app": "terrace"], finalizers: [Value]? = nil) -> Value {
        var metadata: [String: Value] = ["name": "argocd-cm", "namespace": "argocd", "labels": labels]
        if let finalizers { metadata["finalizers"] = .list(finalizers) }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": .map(metadata), "data": data]
    }

    static let configMapReference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: "argocd-cm")

    @Test func appliesAndANoOpApplyChangesNothing() async throws {
        try await Self.withClient { client, server in
            try await client.apply(Self.namespace)
            let created = try await client.apply(Self.configMap(["a": "1"]))
            let version = try #require(created["metadata"]?["resourceVersion"]?.stringValue)
            let managers = created["metadata"]?["managedFields"]?.listValue?.compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["terrace"])
            let again = try await client.apply(Self.configMap(["a": "1"]))
            #expect(again["metadata"]?["resourceVersion"]?.stringValue == version)
            let fetched = try await client.get(Self.configMapReference)
            #expect(fetched?["data"] == ["a": "1"])
            #expect(server.log().contains("PATCH /api/v1/namespaces/argocd/configmaps/argocd-cm?fieldManager=terrace&fieldValidation=Strict&force=true"))
        }
    }

    @Test func aDryRunComputesTheResultAndWritesNothing() async throws {
        try await Self.withClient { client, _ in
            try await client.apply(Self.namespace)
            let created = try await client.apply(Self.configMap(["a": "1"]))
            let preview = try await client.apply(Self.configMap(["a": "2"]), dryRun: true)
            #expect(preview["data"] == ["a": "2"])
            let stored = try await client.get(Self.configMapReference)
            #expect(stored?["data"] == ["a": "1"])
            #expect(stored?["metadata"]?["resourceVersion"] == created["metadata"]?["resourceVersion"])
        }
    }

    @Test func conflictsWithAnotherManagerAreNamedAndForceTakesOver() async throws {
        try await Self.withClient { client, _ in
            try await client.apply(Self.namespace)
            try await client.apply(Self.configMap(["a": "1"]))
            // Another manager (kubectl) takes field `a`.
            let kubectl = try await client.send(
                .PATCH, "/api/v1/namespaces/argocd/configmaps/argocd-cm",
                query: [("fieldManager", "kubectl"), ("force", "true")],
                body: Array(Self.configMap(["a": "other"]).canonicalJSON.utf8), contentType: "application/apply-patch+yaml",
                object: nil, action: "apply")
            #expect(kubectl.status == 200)
            let error = try await #require(throws: KubernetesError.self) {
                try await client.apply(Self.configMap(["a": "1"]), force: false)
            }
            #expect(error.code == .conflict)
            #expect(error.object == "v1 ConfigMap argocd/argocd-cm")
            #expect(error.message.contains(#"conflict with "kubectl""#))
            #expect(error.hint?.contains("apply with force") == true)
            let forced = try await client.apply(Self.configMap(["a": "1"]))
            #expect(forced["data"] == ["a": "1"])
        }
    }

    @Test func strictValidationRefusesUnknownFields() async throws {
        try await Self.withClient { client, _ in
            try await client.apply(Self.namespace)
            var object = Self.configMap(["a": "1"])
            object = object.setting("bogus", to: "x")
            let error = try await #require(throws: KubernetesError.self) { try await client.apply(object) }
            #expect(error.code == .invalid)
            #expect(error.object == "v1 ConfigMap argocd/argocd-cm")
            #expect(error.message.contains("bogus"))
        }
    }

    @Test func aCRDIsAwaitedUntilEstablishedThenItsKindIsDiscovered() async throws {
        let crd: Value = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "widgets.example.com"],
            "spec": [
                "group": "example.com", "scope": "Namespaced",
                "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"],
                "versions": [
                    [
                        "name": "v1", "served": true, "storage": true,
                        "schema": [
                            "openAPIV3Schema": [
                                "type": "object",
                                "properties": ["spec": ["type": "object", "properties": ["size": ["type": "integer"]]]],
                            ]
                        ],
                    ]
                ],
            ],
        ]
        let widget: Value = [
            "apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w1", "namespace": "argocd"],
            "spec": ["size": 3],
        ]
        try await Self.withClient { client, _ in
            try await client.apply(Self.namespace)
            let early = try await #require(throws: KubernetesError.self) { try await client.apply(widget) }
            #expect(early.code == .notFound)
            #expect(early.object == "example.com/v1 Widget argocd/w1")
            try await client.apply(crd)
            let reference = ObjectReference(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "widgets.example.com")
            try await client.waitForCondition(reference, type: "Established", timeout: .seconds(30), pollInterval: .milliseconds(50))
            let applied = try await client.apply(widget)
            #expect(applied["spec"]?["size"]?.intValue == 3)
            #expect(applied["metadata"]?["generation"]?.intValue == 1)
            let resource = try await client.resource(for: GroupVersionKind(apiVersion: "example.com/v1", kind: "Widget"))
            #expect(resource.name == "widgets")
            #expect(resource.namespaced)
        }
    }

    @Test func deletionWaitsForFinalizersAndListsFilterByLabel() async throws {
        try await Self.withClient { client, _ in
            try await client.apply(Self.namespace)
            try await client.apply(Self.configMap(["a": "1"], finalizers: ["example.com/hold"]))
            var other = Self.configMap(["b": "2"], labels: ["app": "other"])
            other = other.setting("metadata", to: ["name": "other", "namespace": "argocd", "labels": ["app": "other"]])
            try await client.apply(other)
            let mine = try await client.list(GroupVersionKind(apiVersion: "v1", kind: "ConfigMap"), namespace: "argocd", labelSelector: "app=terrace")
            #expect(mine.compactMap { $0["metadata"]?["name"]?.stringValue } == ["argocd-cm"])
            #expect(mine.first?["kind"] == "ConfigMap")

            #expect(try await client.delete(Self.configMapReference, propagationPolicy: .foreground))
            let lingering = try await client.get(Self.configMapReference)
            #expect(lingering?["metadata"]?["deletionTimestamp"] != nil)
            let stuck = try await #require(throws: KubernetesError.self) {
                try await client.waitForDeletion(Self.configMapReference, timeout: .milliseconds(100), pollInterval: .milliseconds(20))
            }
            #expect(stuck.code == .timeout)
            #expect(stuck.message.contains("example.com/hold"))
            // Terrace owns the finalizer: applying without it releases the object.
            try await client.apply(Self.configMap(["a": "1"], finalizers: []))
            try await client.waitForDeletion(Self.configMapReference, timeout: .seconds(30), pollInterval: .milliseconds(20))
            #expect(try await client.get(Self.configMapReference) == nil)
            #expect(try await client.delete(Self.configMapReference) == false)
        }
    }

    @Test func aWrongTokenIsRefused() async throws {
        try await KubernetesTestServer.with { server in
            let endpoint = KubernetesEndpoint(server: server.url, certificateAuthority: Array(server.caCertificatePEM.utf8))
            let client = KubernetesClient(
                connection: KubernetesConnection(endpoint: endpoint, credentials: .token(SensitiveData("wrong-secret"))))
            let error = try await #require(throws: KubernetesError.self) {
                try await client.get(Self.configMapReference)
            }
            #expect(error.code == .unauthorized)
            #expect(!error.description.contains("wrong-secret"))
            await client.shutdown()
        }
    }
}
