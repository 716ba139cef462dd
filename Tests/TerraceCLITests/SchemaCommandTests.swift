import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

/// `terrace schema` against a real JSON Schema validator (PyPI's jsonschema, draft 2020-12, with PyYAML reading the
/// manifests): the example's, the test fixtures' and the starter's manifests validate; a manifest `terrace validate`
/// refuses for its shape (an unknown key, a wrong type, an unknown addon, …) fails the schema too.
@Suite("terrace schema")
struct SchemaCommandTests {
    static let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    /// Runs `terrace schema ARGUMENTS` and writes what it prints to `folder/name`.
    static func schema(_ arguments: [String] = [], in folder: URL, name: String = "terrace.schema.json") async throws -> URL {
        let output = try await CommandRunner.run(["schema"] + arguments, in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let file = folder.appendingPathComponent(name)
        try output.stdout.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The problems the validator finds in every document of each file, by file path; a file with no problems maps
    /// to an empty list. The schema itself is checked against the draft 2020-12 metaschema first.
    static func problems(schema: URL, files: [URL]) async throws -> [String: [String]] {
        let script = """
            import json, sys, yaml
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema)
            result = {}
            for path in sys.argv[2:]:
                problems = []
                for document in yaml.safe_load_all(open(path)):
                    if document is None:
                        continue
                    for error in validator.iter_errors(document):
                        where = "/".join(str(part) for part in error.absolute_path)
                        problems.append("%s: %s" % (where or "(root)", error.message[:300]))
                result[path] = problems
            json.dump(result, sys.stdout)
            """
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env", ["python3", "-c", script, schema.path] + files.map(\.path), in: schema.deletingLastPathComponent())
        #expect(output.status == 0, "jsonschema: \(output.stderr.suffix(2000))")
        let parsed = try #require(Value.parseJSON(Array(output.stdout.utf8)), "\(output.stdout.prefix(300))")
        guard case .map(let entries) = parsed else { return [:] }
        return entries.mapValues { ($0.listValue ?? []).compactMap(\.stringValue) }
    }

    static func write(_ text: String, to path: String, in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("the example's, the fixtures' and the starter's manifests validate against the printed schema")
    func knownGoodManifests() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try await Self.schema(in: folder)

        var files: [URL] = []
        let examples = Self.sourceRoot.appendingPathComponent("examples")
        let enumerator = FileManager.default.enumerator(atPath: examples.path)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml"), !relative.contains("/.terrace/"), !relative.hasPrefix(".") else { continue }
            files.append(examples.appendingPathComponent(relative))
        }
        #expect(files.contains { $0.path.hasSuffix("quickstart/terrace.yaml") })
        #expect(files.contains { $0.path.hasSuffix("quickstart/infrastructures/demo.yaml") })
        files.append(try Self.write(Fixtures.project, to: "fixtures/terrace.yaml", in: folder))
        files.append(try Self.write(Fixtures.dev, to: "fixtures/dev.yaml", in: folder))
        files.append(try Self.write(Fixtures.prod, to: "fixtures/prod.yml", in: folder))
        let initialized = try await CommandRunner.run(["init", "starter"], in: folder)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        files.append(folder.appendingPathComponent("starter/terrace.yaml"))
        files.append(folder.appendingPathComponent("starter/infrastructures/dev.yaml"))

        let problems = try await Self.problems(schema: schema, files: files)
        #expect(problems.count == files.count)
        for file in files {
            #expect(problems[file.path] == [], "\(file.path): \(problems[file.path] ?? ["not checked"])")
        }
    }

    @Test("--kind prints one kind's schema: a project fails the infrastructure schema and the other way round")
    func kindOption() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let projectSchema = try await Self.schema(["--kind", "project"], in: folder, name: "project.json")
        let infrastructureSchema = try await Self.schema(["--kind", "infrastructure"], in: folder, name: "infrastructure.json")
        let project = try Self.write(Fixtures.project, to: "terrace.yaml", in: folder)
        let infrastructure = try Self.write(Fixtures.dev, to: "dev.yaml", in: folder)

        let asProject = try await Self.problems(schema: projectSchema, files: [project, infrastructure])
        #expect(asProject[project.path] == [])
        #expect(asProject[infrastructure.path]?.isEmpty == false)
        let asInfrastructure = try await Self.problems(schema: infrastructureSchema, files: [project, infrastructure])
        #expect(asInfrastructure[infrastructure.path] == [])
        #expect(asInfrastructure[project.path]?.isEmpty == false)

        let wrong = try await CommandRunner.run(["schema", "--kind", "cluster"], in: folder)
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("cluster"))
        #expect(wrong.stdout.isEmpty)
    }

    /// A change to the starter's `infrastructures/dev.yaml` or `terrace.yaml`, the word the validator's message must
    /// contain, and the key the schema's problem must be at.
    struct Breakage: CustomStringConvertible, Sendable {
        let file: String
        let original: String
        let replacement: String
        let terraceSays: String
        let schemaAt: String
        var description: String { "\(file): `\(replacement)`" }
    }

    static let breakages: [Breakage] = [
        Breakage(file: "infrastructures/dev.yaml", original: "name: dev\n", replacement: "name: dev\nnmae: dev\n", terraceSays: "unknown key `nmae`", schemaAt: "(root)"),
        Breakage(file: "infrastructures/dev.yaml", original: "  zones: 2", replacement: "  zones: two", terraceSays: "network.zones", schemaAt: "network/zones"),
        Breakage(file: "infrastructures/dev.yaml", original: "  zones: 2", replacement: "  zones: 9", terraceSays: "network.zones", schemaAt: "network/zones"),
        Breakage(file: "infrastructures/dev.yaml", original: "  cidr: 10.0.0.0/16", replacement: "  cidr: 10.0.0.0/33", terraceSays: "CIDR", schemaAt: "network/cidr"),
        Breakage(file: "infrastructures/dev.yaml", original: "version: \"1.31\"", replacement: "version: 1.31", terraceSays: "quoted string", schemaAt: "kubernetes"),
        Breakage(file: "infrastructures/dev.yaml", original: "addons: {}", replacement: "addons: {cert-manger: {}}", terraceSays: "unknown addon `cert-manger`", schemaAt: "addons"),
        Breakage(
            file: "infrastructures/dev.yaml", original: "addons: {}", replacement: "addons: {monitoring: {stack: prometheus}, ingress: {}}",
            terraceSays: "monitoring.stack", schemaAt: "addons/monitoring/stack"),
        Breakage(file: "infrastructures/dev.yaml", original: "name: dev\n", replacement: "name: Dev\n", terraceSays: "lowercase", schemaAt: "name"),
        Breakage(file: "infrastructures/dev.yaml", original: "  region: us-east-1", replacement: "  region: useast1", terraceSays: "region", schemaAt: "cloud/region"),
        Breakage(file: "infrastructures/dev.yaml", original: "    module: ../modules/assets\n", replacement: "", terraceSays: "has no `module`", schemaAt: "units/0"),
        Breakage(file: "infrastructures/dev.yaml", original: "  - name: assets", replacement: "  - name: network", terraceSays: "reserved", schemaAt: "units/0/name"),
        Breakage(
            file: "infrastructures/dev.yaml", original: "    module: ../modules/assets", replacement: "    module: modules/assets",
            terraceSays: "unsupported module source", schemaAt: "units/0/module"),
        Breakage(file: "infrastructures/dev.yaml", original: "    module: ../modules/assets", replacement: "    module: ../modules/assets\n    timeout: 30", terraceSays: "timeout", schemaAt: "units/0/timeout"),
        Breakage(file: "infrastructures/dev.yaml", original: "kind: Infrastructure\n", replacement: "kind: Infrastructure\napiVersion: terrace.dev/v2\n", terraceSays: "apiVersion", schemaAt: "apiVersion"),
        Breakage(
            file: "infrastructures/dev.yaml", original: "addons: {}", replacement: "addons: {argocd: {manifest: https://example.com/install.yaml}}",
            terraceSays: "checksum", schemaAt: "addons/argocd"),
        Breakage(
            file: "infrastructures/dev.yaml", original: "  version: \"1.31\"", replacement: "  existing: {kubeconfig: ./kubeconfig}\n  version: \"1.31\"",
            terraceSays: "cannot be combined with `kubernetes.existing`", schemaAt: "kubernetes"),
        Breakage(file: "terrace.yaml", original: "parallelism: 4", replacement: "parallelism: 0", terraceSays: "parallelism", schemaAt: "terraform/parallelism"),
        Breakage(file: "terrace.yaml", original: "binary: terraform", replacement: "binary: ./bin/terraform", terraceSays: "binary", schemaAt: "terraform/binary"),
        Breakage(file: "terrace.yaml", original: "kind: Project\n", replacement: "kind: Project\nprune: sometimes\n", terraceSays: "prune", schemaAt: "prune"),
    ]

    @Test("a manifest terrace validate refuses for its shape fails the schema too", arguments: breakages)
    func brokenManifests(_ breakage: Breakage) async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try await Self.schema(in: folder)
        #expect(try await CommandRunner.run(["init", "starter"], in: folder).status == 0)
        let file = folder.appendingPathComponent("starter/" + breakage.file)
        let original = try String(contentsOf: file, encoding: .utf8)
        #expect(original.contains(breakage.original), "the starter has no `\(breakage.original)`")

        // Unchanged, both accept it.
        #expect(try await Self.problems(schema: schema, files: [file])[file.path] == [])

        try original.replacingOccurrences(of: breakage.original, with: breakage.replacement).write(to: file, atomically: true, encoding: .utf8)
        let validated = try await CommandRunner.run(["validate", "starter"], in: folder)
        #expect(validated.status == 1, "terrace validate accepted \(breakage)")
        #expect(validated.stderr.contains(breakage.terraceSays), "\(validated.stderr)")
        let problems = try await Self.problems(schema: schema, files: [file])[file.path] ?? []
        #expect(!problems.isEmpty, "the schema accepted \(breakage)")
        #expect(problems.contains { $0.hasPrefix(breakage.schemaAt + ":") || $0.hasPrefix(breakage.schemaAt + "/") }, "\(problems)")
    }

    @Test("the new fields validate: apiVersion, timeouts, a binary's path, a templated module")
    func newFields() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try await Self.schema(in: folder)
        let project = try Self.write(
            """
            apiVersion: terrace.dev/v1alpha1
            kind: Project
            name: acme
            timeout: 45m
            terraform: {binary: /opt/terraform/1.11.4/terraform, parallelism: 2}
            """, to: "terrace.yaml", in: folder)
        let infrastructure = try Self.write(
            """
            apiVersion: terrace.dev/v1alpha1
            kind: Infrastructure
            name: prod
            vars: {modules_ref: v1.4.0}
            cloud: {provider: aws, region: eu-west-1}
            units:
              - name: vpc
                module: git::https://git.example.com/platform/modules.git//vpc?ref=${infra.vars.modules_ref}
                timeout: 1h30m
            """, to: "infrastructures/prod.yaml", in: folder)
        let problems = try await Self.problems(schema: schema, files: [project, infrastructure])
        #expect(problems[project.path] == [])
        #expect(problems[infrastructure.path] == [])

        let wrong = try Self.write(
            """
            kind: Infrastructure
            name: prod
            cloud: {provider: aws, region: eu-west-1}
            units:
              - name: vpc
                module: ./modules/vpc
                timeout: 30 minutes
            """, to: "wrong.yaml", in: folder)
        #expect(try await Self.problems(schema: schema, files: [wrong])[wrong.path]?.first?.hasPrefix("units/0/timeout") == true)
    }

    @Test("a repository using nearly every key is valid for terrace validate and for the schema alike")
    func everyKey() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try await Self.schema(in: folder)
        #expect(try await CommandRunner.run(["init", "repo"], in: folder).status == 0)
        let project = try Self.write(
            """
            apiVersion: terrace.dev/v1alpha1
            kind: Project
            name: acme
            timeout: 45m
            vars: {owner: platform, module_dir: assets}
            terraform: {binary: /usr/local/bin/terraform, parallelism: 2}
            prune: true
            limits: {files: 5000, depth: 64}
            apps:
              - name: common
                chart: {repo: oci://registry.example.com/charts, name: common, version: 1.0.0}
                infrastructures: [dev]
                timeout: 5m
                syncWave: 2
                spec: {syncPolicy: {automated: {prune: true}}}
            """, to: "repo/terrace.yaml", in: folder)
        let devFile = folder.appendingPathComponent("repo/infrastructures/dev.yaml")
        let dev = try String(contentsOf: devFile, encoding: .utf8)
            .replacingOccurrences(of: "name: dev\n", with: "name: dev\napiVersion: terrace.dev/v1alpha1\napproval: manual\ndrift: correct\n")
            .replacingOccurrences(of: "  zones: 2\n", with: "  zones: 2\n  timeout: 10m\n")
            .replacingOccurrences(
                of: "addons: {}",
                with: """
                    addons:
                      timeout: 20m
                      argocd: {namespace: gitops}
                      cert-manager: {email: ops@example.com, server: staging}
                      aws-load-balancer-controller: {}
                      ingress: {}
                      monitoring: {stack: victoria-metrics, version: 0.63.5}
                    """)
            .replacingOccurrences(of: "    module: ../modules/assets\n", with: "    module: ../modules/${project.vars.module_dir}\n    timeout: 1h30m\n")
        try dev.write(to: devFile, atomically: true, encoding: .utf8)
        let edge = try Self.write(
            """
            kind: Infrastructure
            name: edge
            cloud: {provider: aws, region: eu-west-1, endpoint: https://aws.example.com}
            kubernetes:
              existing: {kubeconfig: ./kubeconfig, context: edge}
              dependsOn: []
            apps:
              - name: web
                source: {repo: https://git.example.com/web.git, path: deploy, ref: main}
                namespace: web
                values: {replicas: 2}
                dependsOn: []
            """, to: "repo/infrastructures/edge.yaml", in: folder)

        let validated = try await CommandRunner.run(["validate", "repo"], in: folder)
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
        let problems = try await Self.problems(schema: schema, files: [project, devFile, edge])
        for file in [project, devFile, edge] { #expect(problems[file.path] == [], "\(file.lastPathComponent): \(problems[file.path] ?? [])") }
    }

    @Test("the quickstart's schema file is what terrace schema prints")
    func quickstartSchemaIsCurrent() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let printed = try String(contentsOf: try await Self.schema(in: folder), encoding: .utf8)
        let committed = try String(
            contentsOf: Self.sourceRoot.appendingPathComponent("examples/quickstart/terrace.schema.json"), encoding: .utf8)
        #expect(committed == printed, "regenerate it: .build/debug/terrace schema > examples/quickstart/terrace.schema.json")
        for manifest in ["examples/quickstart/terrace.yaml", "examples/quickstart/infrastructures/demo.yaml"] {
            let text = try String(contentsOf: Self.sourceRoot.appendingPathComponent(manifest), encoding: .utf8)
            #expect(text.contains("# yaml-language-server: $schema="), "\(manifest) does not point editors at the schema")
        }
    }
}
