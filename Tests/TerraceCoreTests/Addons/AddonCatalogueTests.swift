import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

/// The addon catalogue Terrace ships, and the `addons` section that enables its entries: units rendered as Argo CD
/// Applications wired to the infrastructure's outputs, IRSA roles for the `addons` Terraform unit, and every mistake
/// refused at its place.
@Suite("Addons from the catalogue")
struct AddonCatalogueTests {
    static let every = """
        addons:
          argocd: {version: v3.5.1}
          cert-manager: {}
          external-secrets: {}
          aws-load-balancer-controller: {}
          ebs-csi: {}
          metrics-server: {}
          cloudnative-pg: {}
          ingress: {}
          external-dns: {version: 1.19.1, values: {policy: upsert-only, interval: 2m}}
          monitoring: {}
          logging: {}
          keycloak: {}
        units:
        """

    static func dev(_ addons: String) -> TestRepo {
        let manifest = Fixtures.dev.replacingOccurrences(of: "addons:\n  argocd: {version: v3.5.1}\n  inputs: {admin_username: platform-admin}\nunits:", with: addons)
        return TestRepo(Fixtures.valid.merging(["infra/dev.yaml": manifest]) { _, new in new })
    }

    static func errors(_ repo: TestRepo) async -> [String] {
        await repo.load().diagnostics.filter { $0.severity == .error }.map { "\($0.location): \($0.message)" }
    }

    @Test("the shipped catalogue reads without a problem, and every entry is complete")
    func catalogue() throws {
        let text = try #require(TestRepo.builtinFiles["\(TestRepo.builtin)/\(AddonCatalogue.path)"])
        let (catalogue, problems) = AddonCatalogue.decode(text)
        #expect(problems.isEmpty, "\(problems)")
        #expect(catalogue.names == [
            "aws-load-balancer-controller", "cert-manager", "cloudnative-pg", "ebs-csi", "external-dns", "external-secrets", "ingress",
            "keycloak", "logging", "metrics-server", "monitoring",
        ])
        for entry in catalogue.entries.values {
            #expect(AddonCatalogue.isChartRepository(entry.chartRepository), "\(entry.name)")
            #expect(ManifestDecoder.isVersion(entry.chartVersion), "\(entry.name): \(entry.chartVersion)")
            #expect(!entry.description.isEmpty)
            if entry.needsRole {
                // A role's annotation names exactly its own role.
                let annotation = entry.values["serviceAccount"].flatMap { Self.find($0, "annotations") }
                    ?? entry.values["controller"].flatMap { Self.find($0, "annotations") }
                #expect(annotation?.references.map(\.description).contains("addons.role_arns") == true, "\(entry.name)")
            }
        }
        #expect(catalogue.entries["keycloak"]?.dependsOn.sorted() == ["cert-manager", "cloudnative-pg", "external-secrets"])
        #expect(catalogue.entries["external-dns"]?.requires == [.domain])
        // A broken catalogue is reported, not crashed on.
        let (_, broken) = AddonCatalogue.decode("kind: AddonCatalogue\naddons:\n  x:\n    chart: {repo: https://c.example.com}\n    dependsOn: [y]\n")
        #expect(broken.map(\.message).contains("catalogue addon `x` needs `chart: {repo, name, version}`"))
        #expect(broken.map(\.message).contains("catalogue addon `x` depends on unknown addon `y`"))
    }

    static func find(_ value: InputValue, _ key: String) -> InputValue? {
        if case .map(let entries, _) = value { return entries[key] ?? entries.values.lazy.compactMap { find($0, key) }.first }
        return nil
    }

    @Test("every addon on: one unit each, wired to the outputs, with IRSA roles for those that need AWS")
    func everyAddon() async throws {
        let repository = try await Self.dev(Self.every).loadValid()
        let dev = try #require(repository.infrastructure(named: "dev"))
        let addons = dev.units.filter { $0.kind == .addon }
        #expect(addons.count == 11)
        let graph = try #require(repository.graphs["dev"])
        #expect(Set(graph.upstream["keycloak"] ?? []).isSuperset(of: ["argocd", "cert-manager", "cloudnative-pg"]))
        #expect(graph.upstream["external-dns"]?.contains("addons") == true, "it waits for its role")
        #expect(graph.upstream["argocd"]?.contains("addons") == true, "the cluster Secret carries the roles' ARNs")
        // Waves: each addon after the enabled addons of the nearest lower wave, so CRD-heavy controllers first, then
        // ingress and DNS, then observability, then Keycloak.
        #expect(Set(graph.upstream["metrics-server"] ?? []).isSuperset(of: ["cert-manager", "external-secrets", "aws-load-balancer-controller", "ebs-csi"]))
        #expect(Set(graph.upstream["ingress"] ?? []).isSuperset(of: ["metrics-server", "cloudnative-pg"]))
        #expect(Set(graph.upstream["monitoring"] ?? []).isSuperset(of: ["ingress", "external-dns"]))
        #expect(Set(graph.upstream["keycloak"] ?? []).isSuperset(of: ["monitoring", "logging"]))
        #expect(graph.upstream["cert-manager"]?.contains("external-secrets") == false, "one wave runs side by side")

        let terraform = try #require(dev.unit(named: "addons"))
        guard case .map(let roles, _)? = terraform.inputs["irsa_roles"] else {
            Issue.record("no irsa_roles input")
            return
        }
        #expect(roles.keys.sorted() == ["aws-load-balancer-controller", "cert-manager", "ebs-csi", "external-dns", "external-secrets", "logging"])
        #expect(terraform.inputs["logging_bucket"] == .literal(.bool(true), terraform.inputs["logging_bucket"]?.location ?? SourceLocation(file: "")))

        // Rendered with the outputs: values carry the role ARN, zone id, domain and cluster name; the user's version
        // and values win.
        let outputs: [String: [String: Value]] = [
            "kubernetes": ["cluster_name": "dev-eks", "endpoint": "https://eks", "ca_data": "Q0E=", "oidc_provider_arn": "arn:oidc", "oidc_issuer_url": "https://oidc"],
            "domain": ["name": "dev.example.com", "zone_id": "Z123"], "network": ["vpc_id": "vpc-1"], "argocd": ["namespace": "argocd"],
            "addons": ["role_arns": ["external-dns": "arn:aws:iam::1:role/dev-external-dns", "logging": "arn:aws:iam::1:role/dev-logging"], "logging_bucket": "dev-logs"],
        ]
        let renderer = InputRenderer(project: repository.project, infrastructure: dev, outputs: outputs)
        let dns = try ArgoCDApplication(inputs: try renderer.render(try #require(dev.unit(named: "external-dns"))).get()).object
        let values = try #require(dns["spec"]?["source"]?["helm"]?["valuesObject"])
        #expect(dns["spec"]?["source"]?["targetRevision"] == "1.19.1")
        #expect(values["serviceAccount"]?["annotations"]?["eks.amazonaws.com/role-arn"] == "arn:aws:iam::1:role/dev-external-dns")
        #expect(values["extraArgs"] == ["--zone-id-filter=Z123"])
        #expect(values["domainFilters"] == ["dev.example.com"] && values["txtOwnerId"] == "dev-eks")
        #expect(values["policy"] == "upsert-only" && values["interval"] == "2m" && values["provider"] == ["name": "aws"])
        #expect(dns["metadata"]?["annotations"]?[ArgoCDApplication.syncWaveAnnotation] == "0")
        let roleInputs = try renderer.render(terraform).get()["irsa_roles"]
        #expect(roleInputs?["external-dns"]?["statements"]?.listValue?.first?["resources"] == ["arn:{partition}:route53:::hostedzone/Z123"])
        #expect(roleInputs?["external-dns"]?["service_account"] == "external-dns")
        let loki = try ArgoCDApplication(inputs: try renderer.render(try #require(dev.unit(named: "logging"))).get()).object
        #expect(loki["spec"]?["source"]?["helm"]?["valuesObject"]?["loki"]?["storage"]?["bucketNames"]?["chunks"] == "dev-logs")
    }

    @Test("bad addon input: each a validation error at its place", arguments: [
        ("addons:\n  cert-manger: {}\nunits:", "infra/dev.yaml:21:3: unknown addon `cert-manger`", "did you mean `cert-manager`?"),
        ("addons:\n  cert-manager: {version: 2}\nunits:", "infra/dev.yaml:21:27: `addons.cert-manager.version` must be a string, got the number 2", nil),
        ("addons:\n  cert-manager: {version: latest}\nunits:", "infra/dev.yaml:21:27: `latest` is not a version", nil),
        ("addons:\n  cert-manager: {values: [a]}\nunits:", "infra/dev.yaml:21:26: `addons.cert-manager.values` must be a map of Helm values, got a list", nil),
        ("addons:\n  cert-manager: {valuse: {}}\nunits:", "infra/dev.yaml:21:18: unknown key `valuse` in `addons.cert-manager`", "did you mean `values`?"),
        ("addons:\n  keycloak: {}\n  cert-manager: {}\nunits:", "infra/dev.yaml:21:3: addon `keycloak` needs addon `cloudnative-pg`", "add `cloudnative-pg: {}` to `addons`"),
        ("addons:\n  cert-manager: {server: prod}\nunits:", "infra/dev.yaml:21:26: `addons.cert-manager.server` is not one of `production`, `staging`", "did you mean `production`?"),
        ("addons:\n  cert-manager: {email: 3}\nunits:", "infra/dev.yaml:21:25: `addons.cert-manager.email` is not a string", nil),
        ("addons:\n  cert-manager: {email: [a]}\nunits:", "infra/dev.yaml:21:25: `addons.cert-manager.email` must be a string, got a list", nil),
        ("addons:\n  cert-manager: {emial: a@example.com}\nunits:", "infra/dev.yaml:21:18: unknown key `emial` in `addons.cert-manager`", "did you mean `email`?"),
        ("addons:\n  monitoring: {stack: victoria}\nunits:", "infra/dev.yaml:21:23: `addons.monitoring.stack` is not one of `kube-prometheus-stack`, `victoria-metrics`", "did you mean `victoria-metrics`?"),
        ("addons:\n  monitoring: {stack: true}\nunits:", "infra/dev.yaml:21:23: `addons.monitoring.stack` is not a string", nil),
        ("addons:\n  monitoring: {}\n  keycloak: {}\n  cert-manager: {}\n  cloudnative-pg: {}\nunits:",
         "infra/dev.yaml:21:3: addon `monitoring` needs addon `external-secrets` here", "add `external-secrets: {}` to `addons`"),
    ])
    func badAddons(_ addons: String, _ expected: String, _ hint: String?) async throws {
        let result = await Self.dev(addons).load()
        #expect(result.repository == nil)
        let errors = result.diagnostics.filter { $0.severity == .error }
        let match = errors.first { "\($0.location): \($0.message)" == expected }
        #expect(match != nil, "\(errors.map { "\($0.location): \($0.message)" })")
        if let hint { #expect(match?.hint == hint) }
    }

    @Test("keycloak without a domain, and addons needing AWS on an existing cluster, are refused")
    func missingSections() async throws {
        let prod = """
            kind: Infrastructure
            name: prod
            cloud: {provider: aws, region: us-east-1}
            kubernetes:
              existing: {kubeconfig: /etc/kubeconfig}
            addons:
              keycloak: {}
              cert-manager: {}
              cloudnative-pg: {}
              metrics-server: {}
            """
        let errors = await Self.errors(TestRepo(Fixtures.valid.merging(["infra/prod.yml": prod]) { _, new in new }))
        #expect(errors.contains("infra/prod.yml:7:3: addon `keycloak` needs a `domain` section"), "\(errors)")
        #expect(errors.contains("infra/prod.yml:8:3: addon `cert-manager` needs a `domain` section"))
        #expect(errors.contains("infra/prod.yml:8:3: addon `cert-manager` needs AWS permissions, which only a cluster Terrace makes can give (IRSA)"))
        #expect(!errors.contains { $0.contains("metrics-server") }, "an addon without AWS needs works on any cluster")
        #expect(!errors.contains { $0.hasPrefix("builtin:") }, "no error points into the catalogue: \(errors)")
    }

    @Test("an IAM role name longer than IAM allows is refused when the manifest is loaded, not at plan")
    func roleNameLength() async throws {
        let long = String(repeating: "a", count: 40)
        var manifest = Fixtures.dev.replacingOccurrences(of: "name: dev\n", with: "name: \(long)\n")
        manifest = manifest.replacingOccurrences(
            of: "addons:\n  argocd: {version: v3.5.1}\n  inputs: {admin_username: platform-admin}\n",
            with: "addons:\n  aws-load-balancer-controller: {}\n  external-dns: {}\n")
        let errors = await Self.errors(TestRepo(Fixtures.valid.merging(["infra/dev.yaml": manifest]) { _, new in new }))
        #expect(errors.contains { $0.contains("addon `aws-load-balancer-controller`'s IAM role `\(long)-aws-load-balancer-controller` would be longer than IAM's 64 characters") }, "\(errors)")
        #expect(!errors.contains { $0.contains("external-dns") }, "a shorter addon's role fits")
    }

    static let outputs: [String: [String: Value]] = [
        "kubernetes": ["cluster_name": "dev-eks", "endpoint": "https://eks", "ca_data": "Q0E=", "oidc_provider_arn": "arn:oidc", "oidc_issuer_url": "https://oidc"],
        "domain": ["name": "dev.example.com", "zone_id": "Z123"], "network": ["vpc_id": "vpc-1"], "argocd": ["namespace": "argocd"],
        "addons": [
            "role_arns": ["cert-manager": "arn:aws:iam::1:role/dev-cert-manager"], "logging_bucket": "dev-logs",
            "admin_secret_name": "dev/terrace/admin",
            "oidc_client_secret_names": ["argocd": "dev/terrace/oidc/argocd", "grafana": "dev/terrace/oidc/grafana"],
        ],
    ]

    /// The rendered inputs of `unit` in `dev` of `repo`, with ``outputs``.
    static func render(_ repo: TestRepo, _ unit: String) async throws -> [String: Value] {
        let repository = try await repo.loadValid()
        let dev = try #require(repository.infrastructure(named: "dev"))
        let renderer = InputRenderer(project: repository.project, infrastructure: dev, outputs: outputs)
        return try renderer.render(try #require(dev.unit(named: unit))).get()
    }

    @Test("settings: cert-manager's issuer follows `server` and `email`; a setting not given takes its default, and an empty one is left out")
    func certManagerSettings() async throws {
        let plain = try UnitObjects(inputs: try await Self.render(Self.dev("addons:\n  cert-manager: {}\nunits:"), "cert-manager"))
        let issuer = try #require(plain.objects.first)
        #expect(issuer["kind"] == "ClusterIssuer" && issuer["metadata"]?["name"] == "letsencrypt")
        #expect(issuer["spec"]?["acme"]?["server"] == "https://acme-v02.api.letsencrypt.org/directory")
        #expect(issuer["spec"]?["acme"]?["email"] == nil, "no email given: none sent")
        let solver = issuer["spec"]?["acme"]?["solvers"]?.listValue?.first
        let region = try #require(try await Self.dev("addons:\n  cert-manager: {}\nunits:").loadValid().infrastructure(named: "dev")?.cloud.region)
        #expect(solver?["dns01"]?["route53"] == .map(["region": .string(region), "hostedZoneID": "Z123"]))
        #expect(solver?["selector"]?["dnsZones"] == ["dev.example.com"])
        let staging = try UnitObjects(inputs: try await Self.render(
            Self.dev("addons:\n  cert-manager: {server: staging, email: ops@example.com}\nunits:"), "cert-manager"))
        #expect(staging.objects.first?["spec"]?["acme"]?["server"] == "https://acme-staging-v02.api.letsencrypt.org/directory")
        #expect(staging.objects.first?["spec"]?["acme"]?["email"] == "ops@example.com")
    }

    @Test("a setting's variant brings its own chart and values: monitoring on VictoriaMetrics")
    func monitoringStack() async throws {
        let prometheus = try ArgoCDApplication(inputs: try await Self.render(Self.dev("addons:\n  monitoring: {}\nunits:"), "monitoring")).object
        #expect(prometheus["spec"]?["source"]?["chart"] == "kube-prometheus-stack")
        let victoria = try ArgoCDApplication(
            inputs: try await Self.render(Self.dev("addons:\n  monitoring: {stack: victoria-metrics, version: 0.64.0}\nunits:"), "monitoring")
        ).object
        #expect(victoria["spec"]?["source"]?["chart"] == "victoria-metrics-k8s-stack")
        #expect(victoria["spec"]?["source"]?["repoURL"] == "https://victoriametrics.github.io/helm-charts")
        #expect(victoria["spec"]?["source"]?["targetRevision"] == "0.64.0", "the manifest's version still wins")
        let values = try #require(victoria["spec"]?["source"]?["helm"]?["valuesObject"])
        #expect(values["prometheus"] == nil, "kube-prometheus-stack's values are not carried over")
        #expect(values["grafana"]?["ingress"]?["hosts"] == ["grafana.dev.example.com"])
    }

    /// The literal strings of a list input.
    static func strings(_ value: InputValue?) -> [String] {
        guard case .list(let items, _)? = value else { return [] }
        return items.compactMap { item in
            if case .literal(.string(let text), _) = item { return text }
            return nil
        }
    }

    static let sso = "addons:\n  cert-manager: {}\n  external-secrets: {}\n  cloudnative-pg: {}\n  keycloak: {}\n"

    @Test("Keycloak: its realm, admin user, clients and secrets; Grafana's client and sign-in only with monitoring")
    func keycloakAndSSO() async throws {
        let alone = Self.dev(Self.sso + "units:")
        let repository = try await alone.loadValid()
        let dev = try #require(repository.infrastructure(named: "dev"))
        #expect(Self.strings(dev.unit(named: "addons")?.inputs["oidc_clients"]) == ["argocd"])
        let inputs = try await Self.render(alone, "keycloak")
        let objects = try UnitObjects(inputs: inputs)
        let kinds = objects.prerequisites.compactMap { object -> String? in
            guard let kind = object["kind"]?.stringValue, let name = object["metadata"]?["name"]?.stringValue else { return nil }
            return "\(kind)/\(name)"
        }
        #expect(kinds == [
            "Namespace/keycloak", "ExternalSecret/keycloak-admin", "ExternalSecret/keycloak-client-argocd", "ExternalSecret/argocd-oidc", "Cluster/keycloak-db",
            "Certificate/keycloak-tls",
        ])
        let admin = objects.prerequisites[1]
        #expect(admin["spec"]?["data"]?.listValue?.map { $0["remoteRef"]?["key"] } == ["dev/terrace/admin", "dev/terrace/admin"])
        #expect(objects.prerequisites[3]["metadata"]?["namespace"] == "argocd")
        #expect(objects.prerequisites[3]["spec"]?["target"]?["template"]?["metadata"]?["labels"]?["app.kubernetes.io/part-of"] == "argocd")
        #expect(objects.prerequisites[4]["spec"]?["storage"]?["storageClass"] == nil, "no ebs-csi: the cluster's default class")
        #expect(objects.prerequisites[5]["spec"]?["dnsNames"] == ["keycloak.dev.example.com"])
        let realm = try #require(objects.objects.first?["data"]?["realm.yaml"]?.stringValue)
        #expect(realm.contains("realm: dev\n") && realm.contains("clientId: argocd") && !realm.contains("clientId: grafana"))
        #expect(realm.contains("redirectUris: [\"https://argocd.dev.example.com/auth/callback\"]"))
        #expect(realm.contains("realm-management: [realm-admin]") && realm.contains("groups: [admins]"))
        #expect(objects.objects.first?["data"]?["master.yaml"]?.stringValue?.contains("realmRoles: [admin]") == true)
        let job = try #require(objects.objects.last)
        let jobName = try #require(job["metadata"]?["name"]?.stringValue)
        #expect(jobName.hasPrefix("keycloak-config-") && jobName.count == "keycloak-config-".count + 8)
        let env = job["spec"]?["template"]?["spec"]?["containers"]?.listValue?.first?["env"]?.listValue ?? []
        #expect(env.contains { $0["name"] == "IMPORT_CACHE_ENABLED" && $0["value"] == "false" })
        #expect(inputs["outputs"] == ["url": "https://keycloak.dev.example.com/admin/dev/console/", "credentials_secret": "dev/terrace/admin"])

        // With monitoring: a `grafana` client, its secret for Keycloak and for Grafana, Grafana's sign-in through the realm.
        let both = Self.dev(Self.sso + "  monitoring: {}\nunits:")
        let withMonitoring = try UnitObjects(inputs: try await Self.render(both, "keycloak"))
        let grafanaRealm = try #require(withMonitoring.objects.first?["data"]?["realm.yaml"]?.stringValue)
        #expect(grafanaRealm.contains("clientId: grafana") && grafanaRealm.contains("https://grafana.dev.example.com/login/generic_oauth"))
        #expect(grafanaRealm.contains("clientId: argocd\n"), "the directive leaves the list as YAML")
        #expect(withMonitoring.prerequisites.contains { $0["metadata"]?["name"] == "keycloak-client-grafana" })
        let newJob = try #require(withMonitoring.objects.last?["metadata"]?["name"]?.stringValue)
        #expect(newJob != jobName, "a changed realm runs the config Job again")
        let monitoring = try await Self.render(both, "monitoring")
        let grafana = try ArgoCDApplication(inputs: monitoring).object["spec"]?["source"]?["helm"]?["valuesObject"]?["grafana"]
        let oauth = grafana?["grafana.ini"]?["auth.generic_oauth"]
        #expect(oauth?["role_attribute_path"] == "contains(groups[*], 'admins') && 'Admin'" && oauth?["role_attribute_strict"] == true)
        #expect(oauth?["auth_url"] == "https://keycloak.dev.example.com/realms/dev/protocol/openid-connect/auth")
        #expect(try UnitObjects(inputs: monitoring).prerequisites.map { $0["metadata"]?["name"] } == ["monitoring", "grafana-oidc"])
        let bothRepository = try await both.loadValid()
        let graph = try #require(bothRepository.graphs["dev"])
        #expect(graph.upstream["monitoring"]?.contains("external-secrets") == true)
        #expect(Self.strings(bothRepository.infrastructure(named: "dev")?.unit(named: "addons")?.inputs["oidc_clients"]) == ["argocd", "grafana"])
        // The same inputs twice: the same Job name.
        #expect(try UnitObjects(inputs: try await Self.render(both, "keycloak")).objects.last?["metadata"]?["name"]?.stringValue == newJob)
    }
}
