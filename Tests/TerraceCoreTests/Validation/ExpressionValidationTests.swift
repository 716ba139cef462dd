import Testing

@testable import TerraceCore
import TerraceTestSupport

/// References and type errors are found wherever they sit in an expression, and every reference is a graph edge.
@Suite("Expressions are validated at every depth")
struct ExpressionValidationTests {
    /// A manifest with units `data` and `policy` (both of the test module), `policy`'s name given by `name`.
    static func repo(policyName name: String) -> [String: String] {
        Fixtures.appModule.merging(
            [
                "infra/dev.yaml": MalformedCase.header + """
                units:
                  - name: policy
                    module: ../modules/app
                    inputs:
                      name: \(name)
                      vpc_id: v
                  - name: data
                    module: ../modules/app
                    inputs: {name: "x", vpc_id: v}
                """
            ], uniquingKeysWith: { _, last in last })
    }

    @Test("the IAM policy example orders `data` before `policy`, through a template nested in a string")
    func nestedTemplateIsAnEdge() async throws {
        let result = await TestRepo(Self.repo(policyName: #"'${jsonencode({Resource = ["${data.bucket}/*"]})}'"#)).load()
        let repository = try #require(result.repository, "\(result.diagnostics)")
        let graph = try #require(repository.graphs["dev"])
        #expect(graph.upstream["policy"] == ["data"])
        #expect(graph.topologicalOrder() == ["data", "policy"])
    }

    @Test("a reference nested anywhere is an edge: for bodies, conditionals, directives, function arguments")
    func edgesAtEveryDepth() async throws {
        let inputs = [
            #"'${[for s in ["a"] : "${s}-${data.bucket}"][0]}'"#,
            #"'${true ? "a" : data.bucket}'"#,
            #"'%{ if data.bucket != "" }x%{ endif }'"#,
            #"'${lower(format("%s", data.bucket))}'"#,
            #"'${{k = data.bucket}["k"]}'"#,
            #"'${[for k, v in data : k][0]}'"#,
        ]
        for input in inputs {
            let result = await TestRepo(Self.repo(policyName: input)).load()
            let repository = try #require(result.repository, "\(input): \(result.diagnostics)")
            #expect(repository.graphs["dev"]?.upstream["policy"] == ["data"], "\(input)")
        }
    }

    @Test("an unknown reference inside a nested template is reported at its own column")
    func nestedUnknownReference() async throws {
        // Line 9 is `      name: '${jsonencode({Resource = ["${dta.bucket}/*"]})}'`; `dta` is at column 43.
        let result = await TestRepo(Self.repo(policyName: #"'${jsonencode({Resource = ["${dta.bucket}/*"]})}'"#)).load()
        #expect(result.repository == nil)
        let diagnostic = try #require(result.diagnostics.first { $0.message.contains("dta") })
        #expect(diagnostic.description == "infra/dev.yaml:9:43: error: unknown reference `dta.bucket` (hint: did you mean `data`?)")
    }

    @Test("type errors that can be known before running are validation errors, located at the operand")
    func staticTypeErrors() async throws {
        let cases: [(String, String)] = [
            (#"'${"a" * 2}'"#, "infra/dev.yaml:9:16: error: unsuitable value for the left operand"),
            (#"'${length(5)}'"#, "infra/dev.yaml:9:23: error: invalid value for the \"value\" parameter of `length`"),
            (#"'${"x" ? data.bucket : "b"}'"#, "infra/dev.yaml:9:16: error: the condition must be a bool, got string `x`"),
            (#"'${[for s in ["a"] : s if "no"]}'"#, "infra/dev.yaml:9:39: error: the `if` of a `for` expression must be a bool"),
            (#"'${upper(data.bucket, 1)}'"#, "infra/dev.yaml:9:16: error: `upper` takes 1 argument, got 2"),
            (#"'${file("x")}'"#, "infra/dev.yaml:9:16: error: function `file` is not available in manifests"),
        ]
        for (input, expected) in cases {
            let result = await TestRepo(Self.repo(policyName: input)).load()
            #expect(result.repository == nil, "\(input) loaded")
            #expect(
                result.diagnostics.contains { $0.description.hasPrefix(expected) },
                "\(input): expected \(expected) among \(result.diagnostics.map(\.description))")
        }
    }

    @Test("an expression over an output that is not known yet is pending upstream, not an error")
    func unknownOutputsArePending() async throws {
        let result = await TestRepo(
            Self.repo(policyName: #"'${data.bucket == "x" ? upper(data.bucket) : "${length(data.bucket)}"}'"#)
        ).load()
        let repository = try #require(result.repository, "\(result.diagnostics)")
        let infrastructure = try #require(repository.infrastructures.first)
        let policy = try #require(infrastructure.unit(named: "policy"))
        let renderer = InputRenderer(project: repository.project, infrastructure: infrastructure, outputs: [:])
        #expect(try renderer.render(policy).get()["name"] == .unknown)
        let known = InputRenderer(
            project: repository.project, infrastructure: infrastructure, outputs: ["data": ["bucket": "abc"]])
        #expect(try known.render(policy).get()["name"] == .string("3"))
    }
}
