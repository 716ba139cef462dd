import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

/// Argo CD's URL, Ingress and single sign-on: the `argocd` unit's `url`, `tls_issuer` and `oidc` inputs the decoder
/// sets from the `domain` section and the `ingress`, `cert-manager` and `keycloak` addons, and what they change in
/// Argo CD's real v3.5.1 install manifest.
@Suite("Argo CD's URL, Ingress and single sign-on")
struct ArgoCDAccessTests {
    /// An `addons` section with `argocd`, `names` and, from the shipped catalogue, every addon they depend on.
    static func addons(_ names: [String]) throws -> String {
        let text = try #require(TestRepo.builtinFiles["\(TestRepo.builtin)/\(AddonCatalogue.path)"])
        let catalogue = AddonCatalogue.decode(text).0
        var all: Set<String> = []
        var queue = names
        while let name = queue.popLast() {
            if all.insert(name).inserted { queue += catalogue.entries[name]?.dependsOn ?? [] }
        }
        return "addons:\n  argocd: {version: v3.5.1}\n" + all.sorted().map { "  \($0): {}\n" }.joined() + "units:"
    }

    /// The addons that give Argo CD a URL, a certificate and single sign-on.
    static let accessAddons = ["ingress", "cert-manager", "keycloak"]

    static func dev(_ addons: String, withoutDomain: Bool = false) -> TestRepo {
        var manifest = Fixtures.dev.replacingOccurrences(
            of: "addons:\n  argocd: {version: v3.5.1}\n  inputs: {admin_username: platform-admin}\nunits:", with: addons)
        if withoutDomain {
            manifest = manifest.replacingOccurrences(of: "domain:\n  name: dev.example.com\n  parent: example.com\n", with: "")
        }
        return TestRepo(Fixtures.valid.merging(["infra/dev.yaml": manifest]) { _, new in new })
    }

    /// The outputs the `argocd` unit's inputs read.
    static let outputs: [String: [String: Value]] = [
        "kubernetes": [
            "cluster_name": "dev", "endpoint": "https://eks.example", "ca_data": "Q0E=",
            "cluster_arn": "arn:aws:eks:eu-west-1:123456789012:cluster/dev",
        ],
        "network": ["vpc_id": "vpc-1"], "domain": ["name": "dev.example.com", "zone_id": "Z1"],
        "addons": ["role_arns": ["cert-manager": "arn:aws:iam::123456789012:role/dev-cert-manager"]],
    ]

    /// The `argocd` unit of `repo`'s `dev`, and its inputs rendered with ``outputs``.
    static func argocd(_ repo: TestRepo) async throws -> (UnitSpec, [String: Value]) {
        let repository = try await repo.loadValid()
        let dev = try #require(repository.infrastructure(named: "dev"))
        let unit = try #require(dev.unit(named: "argocd"))
        let renderer = InputRenderer(project: repository.project, infrastructure: dev, outputs: outputs)
        return (unit, try renderer.render(unit).get())
    }

    static func install(_ access: ArgoCDInstall.Access?, namespace: String = "argocd") throws -> ArgoCDInstall {
        try ArgoCDInstall(
            manifest: ArgoCDInstallTests.manifest(), version: ArgoCDInstall.defaultVersion, sha256: ArgoCDInstall.defaultSHA256,
            namespace: namespace, access: access)
    }

    static func object(_ install: ArgoCDInstall, _ kind: String, _ name: String) -> Value? {
        install.resources.first { $0["kind"]?.stringValue == kind && $0["metadata"]?["name"]?.stringValue == name }
    }

    static let keycloakAccess = ArgoCDInstall.Access(
        url: "https://argocd.dev.example.com", tlsIssuer: "letsencrypt",
        oidc: ArgoCDInstall.Access.OIDC(
            issuer: "https://keycloak.dev.example.com/realms/dev", clientID: "argocd", clientSecret: "$argocd-oidc:clientSecret"))

    @Test("domain, ingress, cert-manager and keycloak: the argocd unit gets its URL, TLS issuer and OIDC client")
    func decodedInputs() async throws {
        let (unit, inputs) = try await Self.argocd(Self.dev(try Self.addons(Self.accessAddons)))
        #expect(unit.inputs["url"]?.references.map(\.description) == ["domain.name"])
        #expect(inputs["url"] == "https://argocd.dev.example.com")
        #expect(inputs["tls_issuer"] == "letsencrypt")
        #expect(inputs["oidc"] == [
            "issuer": "https://keycloak.dev.example.com/realms/dev", "client_id": "argocd",
            "client_secret": "$argocd-oidc:clientSecret",
        ])
        // The unit's inputs describe exactly the access of the transform below.
        #expect(try ArgoCDInstall.Access(inputs: inputs) == Self.keycloakAccess)
        // The declarations: optional, null by default, and an output for the URL.
        let module = KubernetesUnitKind.argocd.module(repositoryRoot: "/repo")
        for (name, type) in [("url", "string"), ("tls_issuer", "string"), ("oidc", "map(string)")] {
            let variable = try #require(module.declarations.variables[name])
            #expect(variable.hasDefault && variable.nullable && variable.type == type, "\(name)")
        }
        #expect(module.declarations.outputs["url"] != nil)
        #expect(module.digest == ContentDigest.of("terrace-kubernetes-argocd-v2"), "v2: Argo CD manages itself, so recorded units apply again")
    }

    @Test("without a domain or the ingress addon there is no URL; SSO and TLS need the URL", arguments: [
        // (addons besides argocd and their dependencies, without domain, expected inputs among url/tls_issuer/oidc)
        ([String](), false, [String]()),
        (["cert-manager", "keycloak"], false, []),
        (["ingress"], true, []),
        (["ingress"], false, ["url"]),
        (["ingress", "cert-manager"], false, ["tls_issuer", "url"]),
    ])
    func partialAddons(_ addons: [String], _ withoutDomain: Bool, _ expected: [String]) async throws {
        let (unit, inputs) = try await Self.argocd(Self.dev(try Self.addons(addons), withoutDomain: withoutDomain))
        #expect(["url", "tls_issuer", "oidc"].filter { unit.inputs[$0] != nil }.sorted() == expected)
        if expected.contains("url") {
            #expect(inputs["url"] == "https://argocd.dev.example.com")
            #expect(try ArgoCDInstall.Access(inputs: inputs)?.oidc == nil)
        } else {
            #expect(try ArgoCDInstall.Access(inputs: inputs) == nil)
        }
    }

    @Test("the install with the access: argocd-cm's url and oidc.config, RBAC, insecure server, the Ingress")
    func transformed() throws {
        let plain = try Self.install(nil)
        let install = try Self.install(Self.keycloakAccess)
        #expect(install.resources.count == plain.resources.count + 1, "one object more: the Ingress")

        // argocd-cm: the URL and the OIDC configuration, over upstream's keys and the health check.
        let configMap = try #require(Self.object(install, "ConfigMap", "argocd-cm"))
        let before = try #require(Self.object(plain, "ConfigMap", "argocd-cm"))
        #expect(configMap["data"]?["url"] == "https://argocd.dev.example.com")
        for (key, value) in before["data"]?.mapEntries ?? [:] { #expect(configMap["data"]?[key] == value, "\(key) is kept") }
        #expect(configMap["data"]?[ArgoCDInstall.applicationHealthKey] != nil)
        #expect(configMap["data"]?.mapEntries?.count == (before["data"]?.mapEntries?.count ?? 0) + 2)
        let text = try #require(configMap["data"]?["oidc.config"]?.stringValue)
        let oidc = try #require(try ArgoCDInstall.parseDocuments(text).first)
        #expect(oidc == [
            "name": "Keycloak", "issuer": "https://keycloak.dev.example.com/realms/dev", "clientID": "argocd",
            "clientSecret": "$argocd-oidc:clientSecret", "requestedScopes": ["openid", "profile", "email", "groups"],
        ])

        // argocd-rbac-cm: the admins group, the groups scope; policy.default as upstream has it (none).
        let rbac = try #require(Self.object(install, "ConfigMap", "argocd-rbac-cm"))
        #expect(rbac["data"] == ["policy.csv": "g, admins, role:admin", "scopes": "[groups]"])
        #expect(Self.object(plain, "ConfigMap", "argocd-rbac-cm")?["data"]?["policy.default"] == nil)
        #expect(rbac["metadata"] == Self.object(plain, "ConfigMap", "argocd-rbac-cm")?["metadata"])

        // argocd-cmd-params-cm: TLS ends at the ingress.
        #expect(Self.object(install, "ConfigMap", "argocd-cmd-params-cm")?["data"] == ["server.insecure": "true"])

        // The Ingress: the host, the Service's `http` port, TLS from cert-manager's issuer.
        let ingress = try #require(Self.object(install, "Ingress", "argocd-server"))
        #expect(ingress["apiVersion"] == "networking.k8s.io/v1")
        #expect(ingress["metadata"]?["namespace"] == "argocd")
        #expect(ingress["metadata"]?["annotations"] == ["cert-manager.io/cluster-issuer": "letsencrypt"])
        let rules = try #require(ingress["spec"]?["rules"]?.listValue)
        #expect(rules.count == 1 && rules.first?["host"] == "argocd.dev.example.com")
        let path = try #require(rules.first?["http"]?["paths"]?.listValue?.first)
        #expect(path["path"] == "/" && path["pathType"] == "Prefix")
        let backend = try #require(path["backend"]?["service"])
        #expect(backend["name"] == "argocd-server")
        let service = try #require(Self.object(install, "Service", backend["name"]?.stringValue ?? ""))
        let portNames = (service["spec"]?["ports"]?.listValue ?? []).compactMap { $0["name"]?.stringValue }
        let portName = try #require(backend["port"]?["name"]?.stringValue)
        #expect(portNames.contains(portName), "the backend's port is one the Service has: \(portNames)")
        #expect(backend["port"]?["number"] == nil)
        #expect(ingress["spec"]?["tls"] == [["hosts": ["argocd.dev.example.com"], "secretName": "argocd-server-tls"]])
        #expect(ingress["spec"]?["ingressClassName"] == nil, "the default class (the ingress addon's Traefik) serves it")
        // It goes after the Services it routes to, and is applied, inventoried and pruned like the rest.
        let kinds = install.resources.compactMap { $0["kind"]?.stringValue }
        #expect((kinds.lastIndex(of: "Service") ?? .max) < (kinds.firstIndex(of: "Ingress") ?? -1))
        #expect(!install.workloads.contains { $0.kind == "Ingress" })

        // Nothing else changed.
        let changed: Set<String> = ["argocd-cm", "argocd-rbac-cm", "argocd-cmd-params-cm", "argocd-server"]
        func isChanged(_ object: Value) -> Bool {
            changed.contains(object["metadata"]?["name"]?.stringValue ?? "") && ["ConfigMap", "Ingress"].contains(object["kind"]?.stringValue ?? "")
        }
        #expect(install.resources.filter { !isChanged($0) } == plain.resources.filter { !isChanged($0) })
        #expect(install.customResourceDefinitions == plain.customResourceDefinitions)
    }

    @Test("without the access nothing of it is there: no Ingress, the ConfigMaps as upstream ships them")
    func withoutAccess() throws {
        let install = try Self.install(nil)
        #expect(install.access == nil)
        #expect(!install.resources.contains { $0["kind"] == "Ingress" })
        #expect(Self.object(install, "ConfigMap", "argocd-cmd-params-cm")?["data"] == nil)
        #expect(Self.object(install, "ConfigMap", "argocd-rbac-cm")?["data"] == nil)
        let configMap = try #require(Self.object(install, "ConfigMap", "argocd-cm"))
        #expect(configMap["data"]?["url"] == nil && configMap["data"]?["oidc.config"] == nil)
        #expect(install.resources.count == 56)
    }

    @Test("a URL without TLS or SSO: an Ingress without tls, no OIDC, RBAC untouched; in another namespace")
    func urlOnly() throws {
        let install = try Self.install(ArgoCDInstall.Access(url: "https://argocd.ops.example.org"), namespace: "platform-cd")
        let ingress = try #require(Self.object(install, "Ingress", "argocd-server"))
        #expect(ingress["metadata"]?["namespace"] == "platform-cd")
        #expect(ingress["metadata"]?["annotations"] == nil && ingress["spec"]?["tls"] == nil)
        #expect(ingress["spec"]?["rules"]?.listValue?.first?["host"] == "argocd.ops.example.org")
        #expect(Self.object(install, "ConfigMap", "argocd-cm")?["data"]?["url"] == "https://argocd.ops.example.org")
        #expect(Self.object(install, "ConfigMap", "argocd-cm")?["data"]?["oidc.config"] == nil)
        #expect(Self.object(install, "ConfigMap", "argocd-rbac-cm")?["data"] == nil)
        #expect(Self.object(install, "ConfigMap", "argocd-cmd-params-cm")?["data"] == ["server.insecure": "true"])
    }

    @Test("a custom manifest: missing ConfigMaps added, its policy kept; no Service port `http`, or an Ingress of its own, refused")
    func customManifest() throws {
        let base = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: argocd-cm}
            data: {url: https://old.example.com, users.anonymous.enabled: "false"}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: argocd-server}
            spec:
              ports: [{name: http, port: 80, targetPort: 8080}]

            """
        func install(_ text: String) throws -> ArgoCDInstall {
            try ArgoCDInstall(
                manifest: text, version: "v0", sha256: ArgoCDInstall.hexSHA256(Array(text.utf8)), access: Self.keycloakAccess)
        }
        let custom = try install(base)
        #expect(custom.resources.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted()
            == ["argocd-cm", "argocd-cmd-params-cm", "argocd-rbac-cm", "argocd-server", "argocd-server"])
        let configMap = try #require(Self.object(custom, "ConfigMap", "argocd-cm"))
        #expect(configMap["data"]?["url"] == "https://argocd.dev.example.com", "Terrace's URL wins")
        #expect(configMap["data"]?["users.anonymous.enabled"] == "false")
        let added = try #require(Self.object(custom, "ConfigMap", "argocd-rbac-cm"))
        #expect(added["metadata"]?["namespace"] == "argocd")
        #expect(added["metadata"]?["labels"] == ["app.kubernetes.io/name": "argocd-rbac-cm", "app.kubernetes.io/part-of": "argocd"])

        let withPolicy = base + """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: argocd-rbac-cm}
            data:
              policy.default: role:readonly
              policy.csv: |
                g, auditors, role:readonly

            """
        let rbac = try #require(Self.object(try install(withPolicy), "ConfigMap", "argocd-rbac-cm"))
        #expect(rbac["data"] == [
            "policy.default": "role:readonly", "policy.csv": "g, auditors, role:readonly\ng, admins, role:admin", "scopes": "[groups]",
        ])

        let noHTTP = base.replacingOccurrences(of: "name: http,", with: "name: https,")
        let error = try #require(throws: KubernetesError.self) { try install(noHTTP) }
        #expect(error.code == .missingObject && error.message.contains("port `http`"))
        let ownIngress = base + "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: argocd-server}\n"
        #expect((try #require(throws: KubernetesError.self) { try install(ownIngress) }).code == .invalidManifest)
    }

    @Test("bad URLs and inputs are refused", arguments: [
        "argocd.dev.example.com", "https://argocd.dev.example.com/argo", "https://Argocd.dev.example.com", "https://localhost",
        "https://argocd..example.com", "ftp://argocd.dev.example.com",
    ])
    func badURL(_ url: String) throws {
        let error = try #require(throws: KubernetesError.self) { try Self.install(ArgoCDInstall.Access(url: url)) }
        #expect(error.code == .invalid && error.message.contains(url))
    }

    @Test("the inputs: no url is no access; oidc without url, or incomplete, is refused; a trailing slash is fine")
    func inputs() throws {
        #expect(try ArgoCDInstall.Access(inputs: [:]) == nil)
        #expect(try ArgoCDInstall.Access(inputs: ["url": .null, "oidc": .null, "tls_issuer": .null]) == nil)
        #expect(throws: KubernetesError.self) { try ArgoCDInstall.Access(inputs: ["oidc": ["issuer": "https://k"]]) }
        #expect(throws: KubernetesError.self) {
            try ArgoCDInstall.Access(inputs: ["url": "https://argocd.example.com", "oidc": ["issuer": "https://k"]])
        }
        let access = try #require(try ArgoCDInstall.Access(inputs: ["url": "https://argocd.example.com/", "tls_issuer": .null]))
        #expect(access.tlsIssuer == nil && access.oidc == nil)
        #expect(try access.host() == "argocd.example.com")
    }

    @Test("oidc.config quotes every string, so that no value changes type or breaks the YAML")
    func oidcConfigQuoting() throws {
        let oidc = ArgoCDInstall.Access.OIDC(
            name: "Key \"cloak\"", issuer: "https://k.example.com/realms/dev", clientID: "12345",
            clientSecret: "$s:key\n# not a comment")
        let parsed = try #require(try ArgoCDInstall.parseDocuments(ArgoCDInstall.oidcConfig(oidc)).first)
        #expect(parsed["name"] == "Key \"cloak\"")
        #expect(parsed["clientID"] == "12345", "a string, not a number")
        #expect(parsed["clientSecret"] == "$s:key\n# not a comment")
    }
}

extension Value {
    /// The entries of a map value, or nil.
    fileprivate var mapEntries: [String: Value]? {
        guard case .map(let entries) = self else { return nil }
        return entries
    }
}
