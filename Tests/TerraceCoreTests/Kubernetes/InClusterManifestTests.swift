import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

/// The in-cluster layer in manifests: the `argocd` unit every cluster gets, `apps` (in manifests and `terrace.yaml`),
/// existing clusters, and what is refused, each at its `file:line:column`.
@Suite("In-cluster units in manifests")
struct InClusterManifestTests {
    static let chartAndGitApps = """

        apps:
          - name: shop
            chart: {repo: https://charts.example.com, name: web, version: 1.2.3}
            namespace: web
            syncWave: 1
            values:
              replicas: 2
              host: shop.${infra.name}.example.com
              vpc: ${network.vpc_id}
          - name: jobs
            source: {repo: https://git.example.com/team/deploy.git, path: jobs, ref: main}
            dependsOn: [shop]
            timeout: 90s
            spec:
              project: platform
              syncPolicy:
                automated: {selfHeal: false}
        """

    static func repo(_ dev: String = Fixtures.dev, project: String = Fixtures.project) -> TestRepo {
        var files = Fixtures.valid
        files["infra/dev.yaml"] = dev
        files["terrace.yaml"] = project
        return TestRepo(files)
    }

    static func errors(_ repo: TestRepo) async -> [String] {
        await repo.load().diagnostics.filter { $0.severity == .error }.map { "\($0.location): \($0.message)" }
    }

    @Test("every cluster gets an `argocd` unit wired to the cluster and the infrastructure's facts; apps depend on it")
    func argoCDAndApps() async throws {
        let repository = try await Self.repo(Fixtures.dev + Self.chartAndGitApps).loadValid()
        let dev = try #require(repository.infrastructure(named: "dev"))
        #expect(dev.units.map(\.name).suffix(3) == ["argocd", "shop", "jobs"])
        let argocd = try #require(dev.unit(named: "argocd"))
        #expect(argocd.kind == .argocd && argocd.module == .kubernetes(.argocd))
        #expect(Set(argocd.inputs.keys) == [
            "version", "manifest", "sha256", "namespace", "addons", "cluster_name", "cluster_endpoint", "cluster_ca_data",
            "region", "account_id", "vpc_id", "domain", "zone_id",
        ])
        let graph = try #require(repository.graphs["dev"])
        #expect(graph.upstream["argocd"] == ["domain", "kubernetes", "network"])
        #expect(graph.upstream["shop"] == ["argocd", "kubernetes", "network"])
        #expect(graph.upstream["jobs"] == ["argocd", "kubernetes", "shop"])
        // The infrastructure without a cluster gets none of it.
        #expect(repository.infrastructure(named: "prod")?.unit(named: "argocd") == nil)

        // Rendered with the cluster's outputs, the facts and the pinned manifest are there.
        let outputs: [String: [String: Value]] = [
            "kubernetes": [
                "cluster_name": "dev", "endpoint": "https://eks.example", "ca_data": "Q0E=",
                "cluster_arn": "arn:aws:eks:eu-west-1:123456789012:cluster/dev",
            ],
            "network": ["vpc_id": "vpc-1"], "domain": ["name": "dev.example.com", "zone_id": "Z1"],
            "argocd": ["namespace": "argocd", "version": "v3.5.1"],
        ]
        let renderer = InputRenderer(project: repository.project, infrastructure: dev, outputs: outputs)
        let inputs = try renderer.render(argocd).get()
        #expect(inputs["account_id"] == "123456789012")
        #expect(inputs["manifest"] == .string(ArgoCDInstall.defaultManifestURL))
        #expect(inputs["sha256"] == .string(ArgoCDInstall.defaultSHA256))
        #expect(inputs["addons"] == ["argocd"])
        #expect(inputs["vpc_id"] == "vpc-1" && inputs["zone_id"] == "Z1" && inputs["domain"] == "dev.example.com")

        // The app renders an Application with Terrace's defaults under its own spec.
        let web = try renderer.render(try #require(dev.unit(named: "shop"))).get()
        let application = try ArgoCDApplication(inputs: web).object
        #expect(application["metadata"]?["namespace"] == "argocd")
        #expect(application["metadata"]?["finalizers"] == [.string(ArgoCDApplication.finalizer)])
        #expect(application["metadata"]?["annotations"]?[ArgoCDApplication.syncWaveAnnotation] == "1")
        #expect(application["spec"]?["source"] == [
            "repoURL": "https://charts.example.com", "chart": "web", "targetRevision": "1.2.3",
            "helm": ["valuesObject": ["replicas": 2, "host": "shop.dev.example.com", "vpc": "vpc-1"]],
        ])
        #expect(application["spec"]?["destination"] == ["server": "https://kubernetes.default.svc", "namespace": "web"])
        #expect(application["spec"]?["syncPolicy"]?["syncOptions"] == ["CreateNamespace=true", "ServerSideApply=true"])
        let jobs = try ArgoCDApplication(inputs: try renderer.render(try #require(dev.unit(named: "jobs"))).get()).object
        #expect(jobs["spec"]?["project"] == "platform")
        #expect(jobs["spec"]?["syncPolicy"]?["automated"] == ["prune": true, "selfHeal": false], "spec is merged key by key")
        #expect(jobs["spec"]?["source"] == ["repoURL": "https://git.example.com/team/deploy.git", "path": "jobs", "targetRevision": "main"])
        #expect(jobs["spec"]?["destination"]?["namespace"] == "jobs", "the namespace defaults to the app's name")
    }

    @Test("apps of terrace.yaml join every infrastructure with a cluster, or only those they name")
    func projectApps() async throws {
        let project = Fixtures.project + """

            apps:
              - name: monitoring
                chart: {repo: oci://registry.example.com/charts, name: kube-prometheus-stack, version: 65.1.0}
              - name: only-prod
                infrastructures: [prod]
                source: {repo: https://git.example.com/deploy.git}
            """
        let repository = try await Self.repo(project: project).loadValid()
        #expect(repository.infrastructure(named: "dev")?.unit(named: "monitoring")?.kind == .app)
        #expect(repository.infrastructure(named: "dev")?.unit(named: "only-prod") == nil)
        #expect(repository.infrastructure(named: "prod")?.unit(named: "monitoring") == nil, "prod has no cluster")
    }

    @Test("an existing cluster: no `kubernetes` unit, a kubeconfig kept out of every digest")
    func existingCluster() async throws {
        let manifest = """
            kind: Infrastructure
            name: onprem
            cloud: {provider: aws, region: eu-west-1}
            kubernetes:
              existing: {kubeconfig: /etc/terrace/talos.kubeconfig, context: admin@talos}
            apps:
              - name: web
                chart: {repo: https://charts.example.com, name: web, version: 1.0.0}
            """
        func load(_ text: String) async throws -> (Repository, Infrastructure) {
            var files = Fixtures.appModule
            files["terrace.yaml"] = Fixtures.project
            files["infra/onprem.yaml"] = text
            let repository = try await TestRepo(files).loadValid()
            return (repository, try #require(repository.infrastructure(named: "onprem")))
        }
        let (repository, onprem) = try await load(manifest)
        #expect(onprem.units.map(\.name) == ["argocd", "web"])
        #expect(onprem.existingCluster?.kubeconfig == "/etc/terrace/talos.kubeconfig")
        #expect(onprem.existingCluster?.context == "admin@talos")
        #expect(onprem.unit(named: "argocd")?.inputs["cluster_name"]?.references.isEmpty == true)
        #expect(repository.graphs["onprem"]?.upstream["argocd"] == [])

        let moved = try await load(manifest.replacingOccurrences(of: "/etc/terrace/talos.kubeconfig", with: "~/elsewhere.yaml"))
        let before = try Planner.plan(onprem, in: repository, record: nil).get().units.first { $0.name == "argocd" }?.digest
        let after = try Planner.plan(moved.1, in: moved.0, record: nil).get().units.first { $0.name == "argocd" }?.digest
        #expect(before != nil && before == after, "the kubeconfig path is not part of the digest")
    }

    @Test("bad in-cluster input: each refused at its place, and nothing loads", arguments: [
        (
            "apps:\n  - name: shop\n    chart: {repo: https://c.example.com, name: web, version: 1.0.0}\n    replica: 2\n",
            "infra/dev.yaml:42:5: unknown key `replica` in `apps[0]`"
        ),
        (
            "apps:\n  - name: shop\n    chart: {repo: https://c.example.com, name: web, version: 1.0.0}\n    source: {repo: https://g.example.com/x.git}\n",
            "infra/dev.yaml:42:5: app `shop` has both `chart` and `source`"
        ),
        (
            "apps:\n  - name: shop\n    chart: {repo: https://c.example.com, name: web, version: 1.0.0}\n    values: {vpc: \"${network.nope}\"}\n",
            "infra/dev.yaml:42:22: unit `network` has no output `nope`"
        ),
        (
            "apps:\n  - name: shop\n    chart: {repo: c.example.com, name: web, version: 1.0.0}\n",
            "infra/dev.yaml:41:19: repository `c.example.com` of app `shop` has no scheme Argo CD reads"
        ),
        (
            "apps:\n  - name: shop\n    chart: {repo: https://c.example.com, name: web}\n",
            "infra/dev.yaml:41:5: `shop.chart` needs `version`"
        ),
        (
            "apps:\n  - name: argocd\n    source: {repo: https://g.example.com/x.git}\n    timeout: soon\n",
            "infra/dev.yaml:40:11: app name `argocd` is reserved"
        ),
    ])
    func badApps(_ apps: String, _ expected: String) async throws {
        let errors = await Self.errors(Self.repo(Fixtures.dev + "\n" + apps))
        #expect(errors.contains(expected), "\(errors)")
        #expect(await Self.repo(Fixtures.dev + "\n" + apps).load().repository == nil)
    }

    @Test("bad Argo CD settings and existing clusters", arguments: [
        (
            "argocd: {version: v3.5.1}", "argocd: {manifest: https://mirror.example.com/argo-cd/install.yaml}",
            "infra/dev.yaml:21:22: the Argo CD manifest has no checksum: add `addons.argocd.sha256`"
        ),
        (
            "argocd: {version: v3.5.1}", "argocd: {version: v3.6.0}",
            "infra/dev.yaml:21:21: the Argo CD manifest has no checksum: add `addons.argocd.sha256`"
        ),
        (
            "argocd: {version: v3.5.1}", "argocd: {manifest: http://mirror.example.com/install.yaml, sha256: \(String(repeating: "a", count: 64))}",
            "infra/dev.yaml:21:22: the Argo CD manifest URL `http://mirror.example.com/install.yaml` is not https"
        ),
        (
            "argocd: {version: v3.5.1}", "argocd: {manifest: ../../install.yaml, sha256: \(String(repeating: "a", count: 64))}",
            "infra/dev.yaml:21:22: the Argo CD manifest path `../../install.yaml` leaves the repository"
        ),
        (
            "argocd: {version: v3.5.1}", "argocd: {sha256: nope}",
            "infra/dev.yaml:21:20: `addons.argocd.sha256` is not a SHA-256"
        ),
        (
            "  version: \"1.31\"\n", "  existing: {kubeconfig: ./kubeconfig}\n  version: \"1.31\"\n",
            "infra/dev.yaml:19:3: `kubernetes.version` cannot be combined with `kubernetes.existing`"
        ),
    ])
    func badSettings(_ original: String, _ replacement: String, _ expected: String) async throws {
        let manifest = Fixtures.dev.replacingOccurrences(of: original, with: replacement)
        #expect(manifest != Fixtures.dev)
        let errors = await Self.errors(Self.repo(manifest))
        #expect(errors.contains(expected), "\(errors)")
    }

    @Test("apps need a cluster; a project app limited to an unknown infrastructure is named")
    func appsWithoutCluster() async throws {
        let prod = Fixtures.prod + "\napps:\n  - name: web\n    chart: {repo: https://c.example.com, name: web, version: 1.0.0}\n"
        var files = Fixtures.valid
        files["infra/prod.yml"] = prod
        files["terrace.yaml"] = Fixtures.project + "\napps:\n  - name: x\n    infrastructures: [dve]\n    source: {repo: https://g.example.com/x.git}\n"
        let errors = await Self.errors(TestRepo(files))
        #expect(errors.contains("infra/prod.yml:12:1: `apps` need a cluster"), "\(errors)")
        #expect(errors.contains("terrace.yaml:10:23: app `x` is limited to unknown infrastructure `dve`"), "\(errors)")
    }

    @Test("an Application's status: ready, failing at once, or still waiting")
    func verdicts() throws {
        let inputs: [String: Value] = [
            "name": "web", "namespace": "web", "argocd_namespace": "argocd",
            "chart": ["repo": "https://c.example.com", "name": "web", "version": "1.0.0"],
        ]
        let application = try ArgoCDApplication(inputs: inputs)
        let source = try #require(application.object["spec"]?["source"])
        func live(_ status: Value) -> Value { application.object.setting("status", to: status) }
        let synced: Value = ["status": "Synced", "revision": "1.0.0", "comparedTo": ["source": source]]
        #expect(application.verdict(nil) == .waiting("the Application does not exist"))
        #expect(application.verdict(live([
            "sync": synced, "health": ["status": "Healthy"], "operationState": ["phase": "Succeeded"],
        ])) == .ready(revision: "1.0.0", health: "Healthy", sync: "Synced"))
        #expect(application.verdict(live([
            "sync": synced, "health": ["status": "Degraded", "message": "0 of 2 replicas available"],
        ])) == .failed("Degraded: 0 of 2 replicas available"))
        #expect(application.verdict(live([
            "sync": ["status": "OutOfSync"], "conditions": [["type": "ComparisonError", "message": "repo not found"]],
        ])) == .failed("ComparisonError: repo not found"))
        // Status about an earlier spec (another chart version) is not taken for this one, healthy or degraded.
        let earlier: Value = ["status": "Synced", "revision": "0.9.0", "comparedTo": ["source": source.setting("targetRevision", to: "0.9.0")]]
        #expect(application.verdict(live([
            "sync": earlier, "health": ["status": "Degraded"], "operationState": ["phase": "Succeeded"],
        ])) == .waiting("sync Synced, health Degraded, operation Succeeded, status of an earlier spec"))
        #expect(throws: KubernetesError.self) {
            try ArgoCDApplication(inputs: inputs.merging(["namespace": "Not_A_Name"]) { _, new in new })
        }

        // A multi-source Application is compared by its `sources`.
        let sources: Value = [["repoURL": "https://c.example.com", "chart": "web", "targetRevision": "1.0.0"], ["repoURL": "https://g.example.com/v.git", "targetRevision": "main", "ref": "values"]]
        let multi = try ArgoCDApplication(inputs: inputs.merging(["spec": ["sources": sources]]) { _, new in new })
        #expect(multi.object["spec"]?["source"] == nil && multi.object["spec"]?["sources"] == sources)
        let multiLive = multi.object.setting("status", to: [
            "sync": ["status": "Synced", "revision": "1.0.0", "comparedTo": ["sources": sources]], "health": ["status": "Healthy"],
            "operationState": ["phase": "Succeeded"],
        ])
        #expect(multi.verdict(multiLive) == .ready(revision: "1.0.0", health: "Healthy", sync: "Synced"))
    }
}
