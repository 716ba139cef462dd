import Foundation
import Testing

import TerraceCore

/// An in-memory repository for tests: the real built-in module files under `/builtin`, plus the test's files under `/repo`.
public struct TestRepo {
    public static let root = "/repo"
    public static let builtin = "/builtin"

    public var fileSystem: InMemoryFileSystem

    /// The built-in modules of this source tree, read once from `modules/aws`.
    public static let builtinFiles: [String: String] = {
        let modules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../modules").standardizedFileURL.path
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: modules + "/aws")
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".tf"), let text = try? String(contentsOfFile: modules + "/aws/" + relative, encoding: .utf8)
            else { continue }
            files["\(builtin)/aws/\(relative)"] = text
        }
        files["\(builtin)/\(AddonCatalogue.path)"] = try? String(contentsOfFile: modules + "/" + AddonCatalogue.path, encoding: .utf8)
        return files
    }()

    /// A repository made of `files` (paths relative to the repo root).
    public init(_ files: [String: String]) {
        var all = Self.builtinFiles
        for (path, text) in files { all["\(Self.root)/\(path)"] = text }
        fileSystem = InMemoryFileSystem(all)
    }

    public mutating func write(_ path: String, _ text: String) {
        fileSystem.write("\(Self.root)/\(path)", text)
    }

    public func load(fetcher: (any ModuleFetcher)? = nil) async -> LoadResult {
        await RepoLoader(fileSystem: fileSystem, builtinModules: Self.builtin, fetcher: fetcher).load(Self.root)
    }

    /// Loads the repository and requires it to be valid.
    public func loadValid(sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> Repository {
        let result = await load()
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics)", sourceLocation: sourceLocation)
        return try #require(result.repository, sourceLocation: sourceLocation)
    }
}

/// Files of a valid two-infrastructure repository with custom modules and cross-unit references.
public enum Fixtures {
    public static let appModule: [String: String] = [
        "modules/app/variables.tf": """
        variable "name" {
          type = string
        }
        variable "vpc_id" {
          type = string
        }
        variable "subnet_ids" {
          type    = list(string)
          default = []
        }
        variable "replicas" {
          type    = number
          default = 1
        }
        variable "labels" {
          type    = map(string)
          default = {}
        }
        """,
        "modules/app/main.tf": """
        resource "aws_s3_bucket" "this" {
          bucket = var.name
        }
        """,
        "modules/app/outputs.tf": """
        output "bucket" {
          value = aws_s3_bucket.this.bucket
        }
        output "endpoint" {
          value = "https://${aws_s3_bucket.this.bucket}"
        }
        output "token" {
          value     = "x"
          sensitive = true
        }
        """,
    ]

    public static let project = """
        kind: Project
        name: acme
        vars:
          owner: platform
        terraform:
          binary: tofu
          parallelism: 8
        """

    public static let dev = """
        kind: Infrastructure
        name: dev
        vars:
          tier: small
        cloud:
          provider: aws
          region: eu-west-1
          endpoint: http://127.0.0.1:5000
        backend:
          bucket: acme-dev-state
        network:
          cidr: 10.0.0.0/16
          zones: 2
        domain:
          name: dev.example.com
          parent: example.com
        kubernetes:
          version: "1.31"
          nodes: {instanceType: t3.large, min: 1, max: 4}
        addons:
          argocd: {version: v3.5.1}
          inputs: {admin_username: platform-admin}
        units:
          - name: api
            module: ../modules/app
            inputs:
              name: "${infra.name}-api-${lower(infra.vars.tier)}"
              vpc_id: ${network.vpc_id}
              subnet_ids: ${network.private_subnet_ids}
              labels:
                owner: ${project.vars.owner}
          - name: web
            module: ../modules/app
            dependsOn: [kubernetes]
            inputs:
              name: web-${api.bucket}
              vpc_id: ${network.vpc_id}
              replicas: 2
        """

    public static let prod = """
        kind: Infrastructure
        name: prod
        cloud: {provider: aws, region: us-east-1}
        network:
          cidr: 10.1.0.0/16
        units:
          - name: api
            module: ../modules/app
            inputs:
              name: prod-api
              vpc_id: ${network.vpc_id}
        """

    public static var valid: [String: String] {
        appModule.merging(
            ["terrace.yaml": project, "infra/dev.yaml": dev, "infra/prod.yml": prod],
            uniquingKeysWith: { _, last in last })
    }
}
