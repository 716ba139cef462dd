import Foundation
import Testing

@testable import TerraceCore

/// Argo CD's real v3.5.1 install manifest (`../shared/fixtures/argo-cd/v3.5.1/install.yaml`, beside the clone) through
/// ``ArgoCDInstall``: checksum first, namespaces, ClusterRoleBinding subjects, the health check, phases, workloads,
/// and the GitOps-bridge cluster Secret.
@Suite("Argo CD install manifest")
struct ArgoCDInstallTests {
    /// `shared/` sits beside the repository (the repository root's parent holds it), here and in CI.
    static let fixtureURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Kubernetes
        .deletingLastPathComponent()  // TerraceCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .deletingLastPathComponent()  // its parent
        .appendingPathComponent("shared/fixtures/argo-cd/v3.5.1/install.yaml")

    static func manifest() throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: fixtureURL.path) else {
            throw FixtureMissing(path: fixtureURL.path)
        }
        return Array(data)
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "the Argo CD fixture is missing at \(path): copy shared/ beside the clone" }
    }

    static func install(namespace: String = "argocd") throws -> ArgoCDInstall {
        try ArgoCDInstall(
            manifest: manifest(), version: ArgoCDInstall.defaultVersion, sha256: ArgoCDInstall.defaultSHA256,
            namespace: namespace, source: ArgoCDInstall.defaultManifestURL)
    }

    /// The upstream manifest's top-level `kind:` lines, counted on the text (independent of the YAML parser).
    static func kindsInText(_ bytes: [UInt8]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("kind: ") {
            counts[String(line.dropFirst("kind: ".count)), default: 0] += 1
        }
        return counts
    }

    @Test("the pinned default is v3.5.1 with the fixture's SHA-256 and the upstream URL")
    func defaultPin() throws {
        #expect(ArgoCDInstall.defaultVersion == "v3.5.1")
        #expect(ArgoCDInstall.hexSHA256(try Self.manifest()) == ArgoCDInstall.defaultSHA256)
        #expect(
            ArgoCDInstall.defaultManifestURL
                == "https://raw.githubusercontent.com/argoproj/argo-cd/\(ArgoCDInstall.defaultVersion)/manifests/install.yaml")
    }

    @Test("all 59 objects of the manifest are kept, plus the Namespace Terrace adds")
    func everyObjectIsPresent() throws {
        let bytes = try Self.manifest()
        let install = try Self.install()
        let textCounts = Self.kindsInText(bytes)
        #expect(textCounts.values.reduce(0, +) == 59)
        var parsedCounts: [String: Int] = [:]
        for object in install.customResourceDefinitions + install.resources {
            parsedCounts[object.text("kind") ?? "?", default: 0] += 1
        }
        #expect(parsedCounts == textCounts)
        #expect(install.objects.count == 60)
        #expect(install.phases.map(\.count) == [1, 3, 56])
        // No two objects share a kind and name.
        let identities = Set(install.objects.map { "\($0.text("kind") ?? "") \($0.text("metadata", "name") ?? "")" })
        #expect(identities.count == 60)
    }

    @Test("every namespaced object is in the target namespace; cluster-scoped ones have none")
    func namespaces() throws {
        let install = try Self.install(namespace: "platform-cd")
        #expect(install.namespace == "platform-cd")
        #expect(install.namespaceObject.text("kind") == "Namespace")
        #expect(install.namespaceObject.text("metadata", "name") == "platform-cd")
        var clusterScoped: [String] = []
        for object in install.customResourceDefinitions + install.resources {
            let kind = object.text("kind") ?? ""
            if ["CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"].contains(kind) {
                #expect(object.at("metadata", "namespace") == nil, "\(kind) \(object.text("metadata", "name") ?? "")")
                clusterScoped.append(kind)
            } else {
                #expect(object.text("metadata", "namespace") == "platform-cd", "\(kind) \(object.text("metadata", "name") ?? "")")
            }
        }
        #expect(clusterScoped.count == 9)
    }

    @Test("every ClusterRoleBinding's ServiceAccount subjects point at the target namespace")
    func clusterRoleBindingSubjects() throws {
        let install = try Self.install(namespace: "platform-cd")
        let bindings = install.resources.filter { $0.text("kind") == "ClusterRoleBinding" }
        #expect(bindings.count == 3)
        for binding in bindings {
            let subjects = try #require(binding.at("subjects")?.items)
            #expect(!subjects.isEmpty)
            for subject in subjects {
                #expect(subject.text("kind") == "ServiceAccount")
                #expect(subject.text("namespace") == "platform-cd")
            }
        }
        // User and Group subjects get no namespace; ServiceAccounts do.
        let mixed: Value = [
            "kind": "ClusterRoleBinding",
            "subjects": [["kind": "Group", "name": "admins"], ["kind": "ServiceAccount", "name": "x", "namespace": "argocd"]],
        ]
        let fixed = ArgoCDInstall.clusterRoleBindingFixed(mixed, namespace: "ops")
        #expect(fixed.at("subjects")?.items?[0] == ["kind": "Group", "name": "admins"])
        #expect(fixed.at("subjects")?.items?[1].text("namespace") == "ops")
    }

    @Test("phases: the Namespace, then the three CRDs, then everything else in kind order")
    func phases() throws {
        let install = try Self.install()
        #expect(install.phases[0] == [install.namespaceObject])
        #expect(
            install.customResourceDefinitions.map { $0.text("metadata", "name") ?? "" }
                == ["applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io"])
        #expect(install.customResourceDefinitions.allSatisfy { $0.text("kind") == "CustomResourceDefinition" })
        #expect(!install.resources.contains { $0.text("kind") == "CustomResourceDefinition" || $0.text("kind") == "Namespace" })
        let kinds = install.resources.map { $0.text("kind") ?? "" }
        func first(_ kind: String) -> Int { kinds.firstIndex(of: kind) ?? -1 }
        func last(_ kind: String) -> Int { kinds.lastIndex(of: kind) ?? -1 }
        // Accounts, configuration and RBAC before the workloads that use them.
        #expect(last("ServiceAccount") < first("Secret"))
        #expect(last("ConfigMap") < first("ClusterRole"))
        #expect(last("RoleBinding") < first("Service"))
        #expect(last("Service") < first("Deployment"))
        #expect(last("Deployment") < first("StatefulSet"))
        #expect(last("NetworkPolicy") < first("ServiceAccount"))
    }

    @Test("the order does not depend on the manifest's order")
    func stableOrder() throws {
        let install = try Self.install()
        let parsed = try ArgoCDInstall.parseDocuments(String(decoding: try Self.manifest(), as: UTF8.self))
        #expect(parsed.count == 59)
        let reversed = try ArgoCDInstall.transform(parsed.reversed(), namespace: "argocd")
        #expect(reversed.crds == install.customResourceDefinitions)
        #expect(reversed.resources == install.resources)
        var generator = SystemRandomNumberGenerator()
        let shuffled = try ArgoCDInstall.transform(parsed.shuffled(using: &generator), namespace: "argocd")
        #expect(shuffled.resources == install.resources)
    }

    @Test("argocd-cm carries Argo CD's documented Application health check and keeps its own data")
    func healthCheck() throws {
        let install = try Self.install()
        let configMaps = install.resources.filter { $0.text("kind") == "ConfigMap" && $0.text("metadata", "name") == "argocd-cm" }
        #expect(configMaps.count == 1)
        let configMap = try #require(configMaps.first)
        let script = try #require(configMap.text("data", ArgoCDInstall.applicationHealthKey))
        #expect(ArgoCDInstall.applicationHealthKey == "resource.customizations.health.argoproj.io_Application")
        #expect(script.hasPrefix("hs = {}\nhs.status = \"Progressing\"\n"))
        #expect(script.contains("hs.status = obj.status.health.status"))
        #expect(script.contains("hs.message = obj.status.health.message"))
        #expect(script.hasSuffix("return hs\n"))
        // The upstream data is still there.
        #expect(configMap.text("data", "resource.customizations.ignoreResourceUpdates.ConfigMap") != nil)
        // No other object got the check.
        let others = install.resources.filter { $0.text("data", ArgoCDInstall.applicationHealthKey) != nil }
        #expect(others.count == 1)
    }

    @Test("a manifest with one byte changed is refused before it is even parsed, naming both digests")
    func tamperedManifest() throws {
        var bytes = try Self.manifest()
        let actual = ArgoCDInstall.hexSHA256(bytes)
        // A byte inside a value: still valid YAML.
        let index = try #require(bytes.firstIndex(of: UInt8(ascii: "v")))
        bytes[index] = UInt8(ascii: "w")
        let tampered = ArgoCDInstall.hexSHA256(bytes)
        #expect(tampered != actual)
        let error = try #require(throws: KubernetesError.self) {
            try ArgoCDInstall(manifest: bytes, version: "v3.5.1", sha256: ArgoCDInstall.defaultSHA256, source: "install.yaml")
        }
        #expect(error.code == .checksumMismatch)
        #expect(error.message.contains(tampered))
        #expect(error.message.contains(ArgoCDInstall.defaultSHA256))
        #expect(error.message.contains("install.yaml"))
        #expect(error.hint?.contains("addons.argocd.sha256") == true)
        // A byte that breaks the YAML: still a checksum error, so nothing was parsed first.
        var broken = try Self.manifest()
        broken[0] = UInt8(ascii: "[")
        let brokenError = try #require(throws: KubernetesError.self) {
            try ArgoCDInstall(manifest: broken, version: "v3.5.1", sha256: ArgoCDInstall.defaultSHA256)
        }
        #expect(brokenError.code == .checksumMismatch)
        // Proof that the broken file would fail to parse.
        #expect(throws: KubernetesError.self) {
            try ArgoCDInstall(manifest: broken, version: "v3.5.1", sha256: ArgoCDInstall.hexSHA256(broken))
        }
    }

    @Test("the expected digest may carry a prefix, capitals and spaces; anything else is refused")
    func expectedDigestForms() throws {
        let upper = "  sha256:" + ArgoCDInstall.defaultSHA256.uppercased() + "\n"
        let install = try ArgoCDInstall(manifest: Self.manifest(), version: "v3.5.1", sha256: upper)
        #expect(install.sha256 == ArgoCDInstall.defaultSHA256)
        let error = try #require(throws: KubernetesError.self) {
            try ArgoCDInstall(manifest: Self.manifest(), version: "v3.5.1", sha256: "abc")
        }
        #expect(error.code == .invalidChecksum)
    }

    @Test("a bad namespace, a manifest without argocd-cm, and non-object documents are refused")
    func badInput() throws {
        let namespaceError = try #require(throws: KubernetesError.self) {
            try ArgoCDInstall(
                manifest: Self.manifest(), version: "v3.5.1", sha256: ArgoCDInstall.defaultSHA256, namespace: "Argo_CD")
        }
        #expect(namespaceError.code == .invalidName)
        let noConfigMap = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n"
        let missing = try #require(throws: KubernetesError.self) {
            try ArgoCDInstall(manifest: noConfigMap, version: "v1", sha256: ArgoCDInstall.hexSHA256(Array(noConfigMap.utf8)))
        }
        #expect(missing.code == .missingObject)
        let scalar = "--- just text\n"
        let notObject = try #require(throws: KubernetesError.self) {
            try ArgoCDInstall(manifest: scalar, version: "v1", sha256: ArgoCDInstall.hexSHA256(Array(scalar.utf8)))
        }
        #expect(notObject.code == .invalidManifest)
    }

    @Test("a custom manifest: its own Namespace is replaced, a cluster-scoped custom kind stays unnamespaced, its health check is kept")
    func customManifest() throws {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: argocd
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Cluster
              names: {kind: Widget, plural: widgets}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
              namespace: elsewhere
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: argocd-cm
              namespace: elsewhere
            data:
              resource.customizations.health.argoproj.io_Application: mine
            ---

            """
        let install = try ArgoCDInstall(manifest: text, version: "v0", sha256: ArgoCDInstall.hexSHA256(Array(text.utf8)))
        #expect(install.objects.count == 4)
        #expect(install.phases[0] == [install.namespaceObject])
        let widget = try #require(install.resources.first { $0.text("kind") == "Widget" })
        #expect(widget.at("metadata", "namespace") == nil)
        let configMap = try #require(install.resources.first { $0.text("kind") == "ConfigMap" })
        #expect(configMap.text("metadata", "namespace") == "argocd")
        #expect(configMap.text("data", ArgoCDInstall.applicationHealthKey) == "mine")
        #expect(install.workloads.isEmpty)
    }

    @Test("the workloads to wait for: the six Deployments and the StatefulSet")
    func workloads() throws {
        let install = try Self.install(namespace: "platform-cd")
        #expect(
            install.workloads.map(\.description) == [
                "apps/v1 Deployment platform-cd/argocd-applicationset-controller",
                "apps/v1 Deployment platform-cd/argocd-dex-server",
                "apps/v1 Deployment platform-cd/argocd-notifications-controller",
                "apps/v1 Deployment platform-cd/argocd-redis",
                "apps/v1 Deployment platform-cd/argocd-repo-server",
                "apps/v1 Deployment platform-cd/argocd-server",
                "apps/v1 StatefulSet platform-cd/argocd-application-controller",
            ])
    }

    @Test("the GitOps-bridge cluster Secret: cluster label, addon labels, the facts under the frozen keys")
    func clusterSecret() throws {
        let install = try Self.install(namespace: "platform-cd")
        let facts = ArgoCDInstall.ClusterFacts(
            clusterName: "prod-eks", region: "eu-west-1", accountID: "123456789012", vpcID: "vpc-0abc",
            domain: "example.org", zoneID: "Z123", enabledAddons: ["external_dns", "cert-manager"],
            roleARNs: ["external_dns": "arn:aws:iam::123456789012:role/external-dns"])
        let secret = try install.clusterSecret(facts)
        #expect(secret.text("apiVersion") == "v1")
        #expect(secret.text("kind") == "Secret")
        #expect(secret.text("metadata", "name") == "in-cluster")
        #expect(secret.text("metadata", "namespace") == "platform-cd")
        #expect(
            secret.at("metadata", "labels")
                == [
                    "argocd.argoproj.io/secret-type": "cluster", "app.kubernetes.io/managed-by": "terrace",
                    "enable_external_dns": "true", "enable_cert-manager": "true",
                ])
        #expect(
            secret.at("metadata", "annotations")
                == [
                    "terrace.dev/cluster-name": "prod-eks", "terrace.dev/region": "eu-west-1",
                    "terrace.dev/account-id": "123456789012", "terrace.dev/vpc-id": "vpc-0abc",
                    "terrace.dev/domain": "example.org", "terrace.dev/zone-id": "Z123",
                    "terrace.dev/external_dns-role-arn": "arn:aws:iam::123456789012:role/external-dns",
                ])
        #expect(
            ArgoCDInstall.ClusterSecretKey.all == [
                "terrace.dev/cluster-name", "terrace.dev/region", "terrace.dev/account-id", "terrace.dev/vpc-id",
                "terrace.dev/domain", "terrace.dev/zone-id",
            ])
        func decoded(_ key: String) -> String? {
            secret.text("data", key).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(decoded("name") == "in-cluster")
        #expect(decoded("server") == "https://kubernetes.default.svc")
        #expect(decoded("config") == #"{"tlsClientConfig":{"insecure":false}}"#)
        // An existing cluster: only the facts it has.
        let bare = try ArgoCDInstall.clusterSecret(ArgoCDInstall.ClusterFacts(clusterName: "talos"), namespace: "argocd")
        #expect(bare.at("metadata", "annotations") == ["terrace.dev/cluster-name": "talos"])
        #expect(bare.at("metadata", "labels") == ["argocd.argoproj.io/secret-type": "cluster", "app.kubernetes.io/managed-by": "terrace"])
        // An addon name that cannot be part of a label key.
        let error = try #require(throws: KubernetesError.self) {
            try install.clusterSecret(ArgoCDInstall.ClusterFacts(clusterName: "c", enabledAddons: ["bad/name"]))
        }
        #expect(error.code == .invalidName)
        #expect(error.message.contains("bad/name"))
    }
}

extension Value {
    /// The value at a path of map keys, or nil.
    fileprivate func at(_ path: String...) -> Value? {
        var current: Value? = self
        for key in path {
            guard case .map(let entries)? = current else { return nil }
            current = entries[key]
        }
        return current
    }

    /// The string at a path of map keys, or nil.
    fileprivate func text(_ path: String...) -> String? {
        var current: Value? = self
        for key in path {
            guard case .map(let entries)? = current else { return nil }
            current = entries[key]
        }
        guard case .string(let text)? = current else { return nil }
        return text
    }

    /// The items of a list, or nil.
    fileprivate var items: [Value]? {
        guard case .list(let items) = self else { return nil }
        return items
    }
}
