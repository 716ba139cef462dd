import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

/// Argo CD managing itself after the bootstrap: the Application `argocd` the `argocd` unit renders with upstream's
/// manifest (and only then), and the `addons.argocd.selfManaged` setting.
@Suite("Argo CD manages itself")
struct ArgoCDSelfManagementTests {
    static let upstream = ArgoCDInstall.defaultManifestURL

    static func inputs(
        manifest: String = upstream, version: String = ArgoCDInstall.defaultVersion, namespace: String = "argocd",
        selfManaged: Value? = nil
    ) -> [String: Value] {
        var inputs: [String: Value] = [
            "version": .string(version), "manifest": .string(manifest), "sha256": .string(ArgoCDInstall.defaultSHA256),
            "namespace": .string(namespace),
        ]
        inputs["self_managed"] = selfManaged
        return inputs
    }

    @Test("with upstream's manifest the unit renders exactly this Application: no finalizer, no prune, Terrace's data ignored")
    func exactApplication() throws {
        let application = try #require(try ArgoCDApplication.selfManaging(inputs: Self.inputs()))
        #expect(application.name == "argocd" && application.argocdNamespace == "argocd")
        let expected: Value = [
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": ["name": "argocd", "namespace": "argocd", "labels": ["app.kubernetes.io/managed-by": "terrace"]],
            "spec": [
                "project": "default",
                "source": [
                    "repoURL": "https://github.com/argoproj/argo-cd.git", "targetRevision": "v3.5.1",
                    "path": "manifests/cluster-install",
                ],
                "destination": ["server": "https://kubernetes.default.svc", "namespace": "argocd"],
                "syncPolicy": [
                    "automated": ["selfHeal": true, "prune": false],
                    "syncOptions": ["ServerSideApply=true", "RespectIgnoreDifferences=true"],
                ],
                "ignoreDifferences": [
                    ["kind": "ConfigMap", "name": "argocd-cm", "jsonPointers": ["/data"]],
                    ["kind": "ConfigMap", "name": "argocd-cmd-params-cm", "jsonPointers": ["/data"]],
                    ["kind": "ConfigMap", "name": "argocd-rbac-cm", "jsonPointers": ["/data"]],
                ],
            ],
        ]
        #expect(application.object == expected)
        // Deleting it must leave Argo CD running: no cascading finalizer, unlike an app's Application.
        #expect(application.object["metadata"]?["finalizers"] == nil)
        let app = try ArgoCDApplication(inputs: [
            "name": "web", "namespace": "web", "argocd_namespace": "argocd",
            "chart": ["repo": "https://c.example.com", "name": "web", "version": "1.0.0"],
        ])
        #expect(app.object["metadata"]?["finalizers"] == [.string(ArgoCDApplication.finalizer)], "apps keep theirs")
    }

    @Test("another namespace: the Application lives and deploys there, and kustomize moves the install there")
    func otherNamespace() throws {
        let application = try #require(try ArgoCDApplication.selfManaging(inputs: Self.inputs(namespace: "platform")))
        #expect(application.argocdNamespace == "platform")
        #expect(application.object["metadata"]?["namespace"] == "platform")
        #expect(application.object["spec"]?["source"] == [
            "repoURL": "https://github.com/argoproj/argo-cd.git", "targetRevision": "v3.5.1",
            "path": "manifests/cluster-install", "kustomize": ["namespace": "platform"],
        ])
        #expect(application.object["spec"]?["destination"] == ["server": "https://kubernetes.default.svc", "namespace": "platform"])
        // Another version from its upstream URL follows that tag.
        let newer = try #require(try ArgoCDApplication.selfManaging(
            inputs: Self.inputs(manifest: ArgoCDInstall.manifestURL(version: "v3.6.0"), version: "v3.6.0")))
        #expect(newer.object["spec"]?["source"]?["targetRevision"] == "v3.6.0")
        #expect(throws: KubernetesError.self) { try ArgoCDApplication.selfManaging(version: "v3.5.1", namespace: "Not_A_Name") }
        #expect(throws: KubernetesError.self) { try ArgoCDApplication.selfManaging(version: "", namespace: "argocd") }
    }

    @Test("no Application with a manifest of one's own, another version's URL, or self_managed false", arguments: [
        inputs(manifest: "argocd/install.yaml"),
        inputs(manifest: "https://mirror.example.com/argo-cd/v3.5.1/manifests/install.yaml"),
        inputs(manifest: "http://127.0.0.1:8080/install.yaml"),
        inputs(manifest: ArgoCDInstall.manifestURL(version: "v3.4.0")),
        inputs(selfManaged: false),
    ])
    func notSelfManaged(_ inputs: [String: Value]) throws {
        #expect(try ArgoCDApplication.selfManaging(inputs: inputs) == nil)
    }

    @Test("self_managed true or null keeps it; anything else is refused")
    func selfManagedInput() throws {
        #expect(try ArgoCDApplication.selfManaging(inputs: Self.inputs(selfManaged: true)) != nil)
        #expect(try ArgoCDApplication.selfManaging(inputs: Self.inputs(selfManaged: .null)) != nil)
        #expect(throws: KubernetesError.self) { try ArgoCDApplication.selfManaging(inputs: Self.inputs(selfManaged: "no")) }
        let variable = try #require(KubernetesUnitKind.argocd.module(repositoryRoot: "/repo").declarations.variables["self_managed"])
        #expect(variable.hasDefault && variable.nullable && variable.type == "bool")
    }

    @Test("what Argo CD sees differently from its kustomization is only what the Application ignores")
    func ignoredIsEverythingTerraceChanges() throws {
        // Everything the transform can change: URL, TLS and single sign-on.
        let access = ArgoCDInstall.Access(
            url: "https://argocd.dev.example.com", tlsIssuer: "letsencrypt",
            oidc: .init(issuer: "https://keycloak.dev.example.com/realms/dev", clientID: "argocd", clientSecret: "$argocd-oidc:clientSecret"))
        let bytes = try ArgoCDInstallTests.manifest()
        let install = try ArgoCDInstall(
            manifest: bytes, version: ArgoCDInstall.defaultVersion, sha256: ArgoCDInstall.defaultSHA256, access: access)
        // Upstream's objects are what `kustomize build manifests/cluster-install` makes (install.yaml is its output),
        // into the destination namespace.
        let upstream = try ArgoCDInstall.parseDocuments(String(decoding: bytes, as: UTF8.self))
        func key(_ object: Value) -> String {
            "\(object["apiVersion"]?.stringValue ?? "") \(object["kind"]?.stringValue ?? "") \(ArgoCDInstall.metadataString(object, "name") ?? "")"
        }
        let byKey = Dictionary(upstream.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let application = try ArgoCDApplication.selfManaging(version: install.version, namespace: install.namespace)
        let ignored = Set((application.object["spec"]?["ignoreDifferences"]?.listValue ?? []).compactMap { entry -> String? in
            guard entry["jsonPointers"] == ["/data"] else { return nil }
            return "v1 \(entry["kind"]?.stringValue ?? "") \(entry["name"]?.stringValue ?? "")"
        })
        var changed: Set<String> = []
        var added: Set<String> = []
        for object in install.resources {
            guard let original = byKey[key(object)] else {
                added.insert(key(object))
                continue
            }
            // Argo CD puts namespaced objects without a namespace into the destination namespace.
            let placed = object.settingMetadata("namespace", to: nil)
            guard placed != original else { continue }
            changed.insert(key(object))
            #expect(placed.setting("data", to: .null) == original.setting("data", to: .null), "\(key(object)) differs beyond its data")
        }
        #expect(changed == ignored, "every object the transform changes has its data ignored, and only those")
        #expect(changed == ["v1 ConfigMap argocd-cm", "v1 ConfigMap argocd-cmd-params-cm", "v1 ConfigMap argocd-rbac-cm"])
        // Objects the kustomization does not have (nor the Namespace, nor the cluster Secret): Argo CD does not see them.
        #expect(added == ["networking.k8s.io/v1 Ingress argocd-server"])
        #expect(byKey["v1 Namespace argocd"] == nil && byKey["v1 Secret in-cluster"] == nil)
    }

    @Test("addons.argocd.selfManaged: false becomes the unit's input; absent, the unit has none")
    func decoderSetting() async throws {
        let manifest = Fixtures.dev.replacingOccurrences(
            of: "argocd: {version: v3.5.1}", with: "argocd: {version: v3.5.1, selfManaged: false}")
        #expect(manifest != Fixtures.dev)
        let repository = try await InClusterManifestTests.repo(manifest).loadValid()
        let argocd = try #require(repository.infrastructure(named: "dev")?.unit(named: "argocd"))
        guard case .literal(.bool(false), _)? = argocd.inputs["self_managed"] else {
            Issue.record("self_managed is \(String(describing: argocd.inputs["self_managed"]))")
            return
        }
        let plain = try await InClusterManifestTests.repo().loadValid()
        #expect(plain.infrastructure(named: "dev")?.unit(named: "argocd")?.inputs["self_managed"] == nil)
    }

    @Test("bad selfManaged settings are named at their file:line:column", arguments: [
        (
            "argocd: {version: v3.5.1, selfManaged: nope}",
            "infra/dev.yaml:21:42: `addons.argocd.selfManaged` must be true or false, got a string"
        ),
        (
            "argocd: {version: v3.5.1, selfManaged: 1}",
            "infra/dev.yaml:21:42: `addons.argocd.selfManaged` must be true or false, got the number 1"
        ),
        (
            "argocd: {manifest: ./argocd.yaml, sha256: \(ArgoCDInstall.defaultSHA256), selfManaged: true}",
            "infra/dev.yaml:21:124: Argo CD cannot manage itself from a manifest of your own"
        ),
        (
            "argocd: {version: v3.5.1, selfManagd: false}",
            "infra/dev.yaml:21:29: unknown key `selfManagd` in `addons.argocd`"
        ),
    ])
    func badSetting(_ replacement: String, _ expected: String) async throws {
        let manifest = Fixtures.dev.replacingOccurrences(of: "argocd: {version: v3.5.1}", with: replacement)
        #expect(manifest != Fixtures.dev)
        let diagnostics = await InClusterManifestTests.repo(manifest).load().diagnostics.filter { $0.severity == .error }
        let errors = diagnostics.map { "\($0.location): \($0.message)" }
        #expect(errors.contains(expected), "\(errors)")
        if expected.contains("selfManagd") {
            #expect(diagnostics.first { $0.message.contains("selfManagd") }?.hint == "did you mean `selfManaged`?")
        }
    }
}
