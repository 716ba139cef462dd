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
        #expect(catalogue.entries["keycloak"]?.dependsOn.sorted() == ["cert-manager", "cloudnative-pg"])
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
}
