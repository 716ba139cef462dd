import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("Templated module sources")
struct ModuleTemplateTests {
    /// Two infrastructures promoting one module repository at different refs, with the ref in each one's `vars`.
    static func files(dev devModule: String, prod prodModule: String = "git::https://git.example.com/team/modules.git//app?ref=${infra.vars.modules_ref}") -> [String: String] {
        [
            "terrace.yaml": """
            kind: Project
            name: acme
            vars: {modules_host: git.example.com, default_ref: v1.0.0}
            """,
            "infra/dev.yaml": """
            kind: Infrastructure
            name: dev
            vars: {modules_ref: v1.2.0}
            cloud: {region: eu-west-1}
            units:
              - name: app
                module: \(devModule)
                inputs: {name: x, vpc_id: vpc-1}
            """,
            "infra/prod.yaml": """
            kind: Infrastructure
            name: prod
            vars: {modules_ref: v1.1.0}
            cloud: {region: eu-west-1}
            units:
              - name: app
                module: \(prodModule)
                inputs: {name: x, vpc_id: vpc-1}
            """,
        ]
    }

    static func repo(_ files: [String: String]) -> TestRepo {
        var repo = TestRepo(files)
        for (path, text) in Fixtures.appModule {
            repo.fileSystem.write("/cache/modules/" + path.replacingOccurrences(of: "modules/", with: ""), text)
            repo.write(path, text)
        }
        return repo
    }

    static let fetcher = InMemoryModuleFetcher(checkouts: ["https://git.example.com/team/modules.git": "/cache/modules"])

    @Test("`${infra.*}` and `${project.*}` are evaluated per infrastructure, then the source is resolved as written")
    func perInfrastructure() async throws {
        let repo = Self.repo(Self.files(dev: "git::https://${project.vars.modules_host}/team/modules.git//app?ref=${infra.vars.modules_ref}"))
        let result = await repo.load(fetcher: Self.fetcher)
        let repository = try #require(result.repository, "\(result.diagnostics)")
        let dev = try #require(repository.infrastructure(named: "dev")?.unit(named: "app"))
        let prod = try #require(repository.infrastructure(named: "prod")?.unit(named: "app"))
        #expect(dev.module == .git(GitModuleSource(url: "https://git.example.com/team/modules.git", subdirectory: "app", ref: "v1.2.0")))
        #expect(prod.module == .git(GitModuleSource(url: "https://git.example.com/team/modules.git", subdirectory: "app", ref: "v1.1.0")))
        #expect(dev.moduleTemplate == "git::https://${project.vars.modules_host}/team/modules.git//app?ref=${infra.vars.modules_ref}")
        #expect(dev.moduleLocation.description == "infra/dev.yaml:7:13")
        // Each ref is its own module, read from the checkout.
        #expect(repository.modules[dev.module]?.displayName == "git::https://git.example.com/team/modules.git//app?ref=v1.2.0")
        #expect(repository.modules[prod.module]?.declarations.outputs.keys.sorted() == ["bucket", "endpoint", "token"])
    }

    @Test("a local path may be templated too, and a plain `module:` is unchanged")
    func localPaths() async throws {
        let repo = Self.repo(Self.files(dev: "'../modules/${infra.vars.modules_ref == \"v1.2.0\" ? \"app\" : \"other\"}'", prod: "../modules/app"))
        let repository = try #require(await repo.load(fetcher: Self.fetcher).repository)
        #expect(repository.infrastructure(named: "dev")?.unit(named: "app")?.module == .local("/repo/modules/app"))
        #expect(repository.infrastructure(named: "prod")?.unit(named: "app")?.moduleTemplate == nil)
    }

    @Test("unit outputs are refused in `module:`, at the reference: the module must be known before anything runs")
    func unitOutputsRefused() async throws {
        var files = Self.files(dev: "git::https://git.example.com/team/modules.git//app?ref=${network.vpc_id}")
        files["infra/dev.yaml"] = files["infra/dev.yaml"]?.replacingOccurrences(of: "cloud: {region: eu-west-1}", with: "cloud: {region: eu-west-1}\nnetwork: {cidr: 10.0.0.0/16}")
        let result = await Self.repo(files).load(fetcher: Self.fetcher)
        #expect(result.repository == nil)
        #expect(result.diagnostics.map(\.description) == [
            "infra/dev.yaml:8:70: error: `app.module` cannot use `network.vpc_id`: the module must be known before anything runs, "
                + "so only `infra.*` and `project.*` may be referenced (hint: pass unit outputs to the module as `inputs` instead)"
        ])
    }

    @Test("bad templates are reported at their location, and nothing loads")
    func badTemplates() async throws {
        let cases: [(String, String)] = [
            ("../modules/${infra.vars.nope}", "infra/dev.yaml:7:26: error: unknown reference `infra.vars.nope`: no such variable"),
            ("../modules/${infra.vars.modules_ref", "infra/dev.yaml:7:24: error: unterminated `${`"),
            ("${infra.vars}", "infra/dev.yaml:7:13: error: `app.module` must evaluate to a string, got map"),
            ("/abs/${infra.name}", "infra/dev.yaml:7:13: error: module path `/abs/dev` must be relative to the manifest (hint: `/abs/${infra.name}` evaluates to `/abs/dev`; write `./modules/NAME`)"),
            ("git::ftp://host/${infra.name}", "infra/dev.yaml:7:13: error: git source URL must use https://, ssh://, file:// or git:// (hint: `git::ftp://host/${infra.name}` evaluates to `git::ftp://host/dev`;"),
            ("../../../${infra.name}", "infra/dev.yaml:7:13: error: module path `../../../dev` leaves the repository"),
        ]
        for (module, expected) in cases {
            let result = await Self.repo(Self.files(dev: module, prod: "../modules/app")).load(fetcher: Self.fetcher)
            #expect(result.repository == nil, "\(module)")
            let errors = result.diagnostics.filter { $0.severity == .error }.map(\.description)
            #expect(errors.count == 1, "\(module): \(errors)")
            #expect(errors.first?.hasPrefix(expected) == true, "\(module): \(errors)")
        }
    }
}
