import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("Loading a valid repository")
struct RepoLoaderTests {
    @Test("a multi-infrastructure repo loads with every section, unit and module")
    func validRepository() async throws {
        let repository = try await TestRepo(Fixtures.valid).loadValid()
        #expect(repository.project.name == "acme")
        #expect(repository.project.vars["owner"] == "platform")
        #expect(repository.project.terraform == TerraformSettings(binary: .tofu, parallelism: 8))
        #expect(repository.infrastructures.map(\.name) == ["dev", "prod"])

        let dev = try #require(repository.infrastructure(named: "dev"))
        #expect(dev.file == "infra/dev.yaml")
        #expect(dev.cloud == CloudSettings(provider: "aws", region: "eu-west-1", endpoint: "http://127.0.0.1:5000"))
        #expect(dev.backend.bucket == "acme-dev-state")
        #expect(dev.units.map(\.name) == ["backend", "network", "domain", "kubernetes", "addons", "api", "web", "argocd"])
        #expect(dev.unit(named: "network")?.module == .builtin("aws/network"))
        #expect(dev.unit(named: "api")?.module == .local("/repo/modules/app"))

        // Built-in sections map onto the modules' variables.
        let kubernetes = try #require(dev.unit(named: "kubernetes"))
        #expect(Set(kubernetes.inputs.keys) == [
            "cluster_name", "kubernetes_version", "node_instance_type", "node_min_size", "node_max_size", "vpc_id",
            "subnet_ids", "kms_key_arn",
        ])
        #expect(repository.graphs["dev"]?.upstream["kubernetes"] == ["backend", "network"])
        #expect(repository.graphs["dev"]?.upstream["addons"] == ["backend", "kubernetes"])
        // Only what a section reads orders it: `network` and `domain` run side by side with `backend`.
        #expect(repository.graphs["dev"]?.upstream["network"] == [])
        #expect(repository.graphs["dev"]?.upstream["domain"] == [])
        #expect(repository.graphs["dev"]?.levels().first == ["backend", "network", "domain"])
        #expect(repository.graphs["dev"]?.upstream["web"] == ["api", "backend", "kubernetes", "network"])

        // The state bucket defaults when there is no backend section.
        let prod = try #require(repository.infrastructure(named: "prod"))
        #expect(prod.backend.bucket == "acme-prod-tfstate")
        #expect(prod.units.map(\.name) == ["network", "api"])
        #expect(repository.modules.count == 7)
    }

    @Test("a repository without terrace.yaml takes its project name from the folder")
    func projectFileIsOptional() async throws {
        var files = Fixtures.valid
        files["terrace.yaml"] = nil
        files["infra/dev.yaml"] = Fixtures.dev.replacingOccurrences(of: "${project.vars.owner}", with: "${project.name}")
        let repository = try await TestRepo(files).loadValid()
        #expect(repository.project.name == "repo")
        #expect(repository.project.terraform == TerraformSettings())
    }

    @Test("YAML files of other tools are ignored, even when they do not parse")
    func foreignYAMLIsIgnored() async throws {
        var files = Fixtures.valid
        files[".github/workflows/ci.yaml"] = "on: push\njobs: {build: {runs-on: ubuntu}}"
        files["charts/app/templates/deploy.yaml"] = "{{ if .Values.x }}\nkind: Deployment\n{{ end }}"
        files["k8s/deploy.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}"
        let repository = try await TestRepo(files).loadValid()
        #expect(repository.infrastructures.count == 2)
    }

    @Test("several documents in one file are all read")
    func multipleDocuments() async throws {
        var files = Fixtures.valid
        files["infra/prod.yml"] = nil
        files["infra/dev.yaml"] = Fixtures.dev + "\n---\n" + Fixtures.prod
        let repository = try await TestRepo(files).loadValid()
        #expect(repository.infrastructures.map(\.name) == ["dev", "prod"])
        #expect(repository.infrastructure(named: "prod")?.file == "infra/dev.yaml")
    }

    @Test("YAML 1.2 scalars: yes/no stay strings, quoted numbers stay strings")
    func scalarResolution() {
        #expect(YAMLScalar.resolvePlain("no") == .string("no"))
        #expect(YAMLScalar.resolvePlain("yes") == .string("yes"))
        #expect(YAMLScalar.resolvePlain("true") == .bool(true))
        #expect(YAMLScalar.resolvePlain("~") == .null)
        #expect(YAMLScalar.resolvePlain("42") == .number(42))
        #expect(YAMLScalar.resolvePlain("-1.5e3") == .number(-1500))
        #expect(YAMLScalar.resolvePlain("0x1f") == .number(31))
        #expect(YAMLScalar.resolvePlain("1.2.3") == .string("1.2.3"))
        #expect(YAMLScalar.resolvePlain("10.0.0.0/16") == .string("10.0.0.0/16"))
        #expect(YAMLScalar.resolvePlain("1e") == .string("1e"))
        #expect(YAMLScalar.resolvePlain("-") == .string("-"))
    }

    @Test("git module sources are fetched through the fetcher and read from the checkout")
    func gitModules() async throws {
        var repo = TestRepo([
            "infra/dev.yaml": """
            kind: Infrastructure
            name: dev
            cloud: {region: eu-west-1}
            units:
              - name: app
                module: git::https://git.example.com/team/modules.git//app?ref=v1.2.0
                inputs: {name: x, vpc_id: vpc-1}
            """
        ])
        for (path, text) in Fixtures.appModule {
            repo.fileSystem.write("/cache/modules/" + path.replacingOccurrences(of: "modules/", with: ""), text)
        }
        let fetcher = InMemoryModuleFetcher(checkouts: ["https://git.example.com/team/modules.git": "/cache/modules"])
        let result = await repo.load(fetcher: fetcher)
        let repository = try #require(result.repository, "\(result.diagnostics)")
        let module = try #require(repository.modules.values.first { if case .git = $0.source { true } else { false } })
        #expect(module.directory == "/cache/modules/app")
        #expect(module.displayName == "git::https://git.example.com/team/modules.git//app?ref=v1.2.0")
        #expect(module.declarations.outputs.keys.sorted() == ["bucket", "endpoint", "token"])

        let failing = await repo.load(fetcher: InMemoryModuleFetcher(checkouts: [:]))
        #expect(failing.repository == nil)
        #expect(failing.diagnostics.map(\.description) == [
            "infra/dev.yaml:6:13: error: cannot fetch `https://git.example.com/team/modules.git`: repository not found"
        ])
    }

    @Test("git sources parse into URL, subdirectory and ref")
    func gitSourceParsing() throws {
        let source = try GitModuleSource.parse("git::https://host/repo.git//modules/vpc?ref=v1.0.0").get()
        #expect(source == GitModuleSource(url: "https://host/repo.git", subdirectory: "modules/vpc", ref: "v1.0.0"))
        #expect(try GitModuleSource.parse("git::file:///srv/git/m.git").get() == GitModuleSource(url: "file:///srv/git/m.git"))
        #expect(try GitModuleSource.parse("git::ssh://git@host/r.git?ref=main").get().ref == "main")
        for bad in ["git::ftp://host/x", "git::https://host/x?ref=", "git::https://host/x?depth=1", "git::https:///x", "git::https://h/r.git//../../etc"] {
            #expect(throws: GitSourceError.self, "\(bad)") { try GitModuleSource.parse(bad).get() }
        }
    }

    @Test("paths normalize without leaving relative roots")
    func paths() {
        #expect(RepoPath.join("/repo/infra", "../modules/app") == "/repo/modules/app")
        #expect(RepoPath.join("/repo", "./a//b/./c") == "/repo/a/b/c")
        #expect(RepoPath.normalize("../../x") == "../../x")
        #expect(RepoPath.relative("/repo/a/b", to: "/repo") == "a/b")
        #expect(RepoPath.relative("/repository/a", to: "/repo") == nil)
        #expect(RepoPath.isInside("/repo/../etc", root: "/repo") == false)
    }
}
