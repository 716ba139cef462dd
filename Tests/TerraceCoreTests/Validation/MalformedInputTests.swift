import Testing

@testable import TerraceCore
import TerraceTestSupport

/// One malformed repository and the diagnostic it must produce.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    let name: String
    let files: [String: String]
    /// `file:line:column: error: message` exactly.
    let expected: String
    /// The hint, when one is expected.
    let hint: String?

    var testDescription: String { name }

    /// A case whose only file is `infra/dev.yaml`, starting with the kind, name and cloud lines.
    static func manifest(_ name: String, _ body: String, _ expected: String, hint: String? = nil) -> MalformedCase {
        MalformedCase(
            name: name,
            files: Fixtures.appModule.merging(["infra/dev.yaml": header + body], uniquingKeysWith: { _, last in last }),
            expected: expected, hint: hint)
    }

    static func files(_ name: String, _ files: [String: String], _ expected: String, hint: String? = nil) -> MalformedCase {
        MalformedCase(
            name: name, files: Fixtures.appModule.merging(files, uniquingKeysWith: { _, last in last }), expected: expected,
            hint: hint)
    }

    /// Lines 1-4 of every manifest case.
    static let header = """
        kind: Infrastructure
        name: dev
        vars: {tier: small}
        cloud: {provider: aws, region: eu-west-1}

        """

    /// A valid custom unit (lines start at the given line).
    static let app = """
        units:
          - name: app
            module: ../modules/app
            inputs:
              name: app
              vpc_id: vpc-1

        """
}

@Suite("Malformed repositories are reported precisely")
struct MalformedInputTests {
    static let cases: [MalformedCase] = [
        .manifest(
            "unknown top-level key", "netwrk: {cidr: 10.0.0.0/16}\n",
            "infra/dev.yaml:5:1: error: unknown key `netwrk` in `Infrastructure`", hint: "did you mean `network`?"),
        .manifest(
            "unknown section key", "network:\n  cidrr: 10.0.0.0/16\n  cidr: 10.0.0.0/16\n",
            "infra/dev.yaml:6:3: error: unknown key `cidrr` in `network`", hint: "did you mean `cidr`?"),
        .manifest(
            "wrong type for a number", "network:\n  cidr: 10.0.0.0/16\n  zones: two\n",
            "infra/dev.yaml:7:10: error: `network.zones` must be a whole number, got a string"),
        .manifest(
            "out-of-range number", "network:\n  cidr: 10.0.0.0/16\n  zones: 9\n",
            "infra/dev.yaml:7:10: error: `network.zones` must be between 1 and 6, got 9"),
        .manifest(
            "section of the wrong type", "network: [10.0.0.0/16]\n",
            "infra/dev.yaml:5:10: error: `network` must be a mapping, got a list"),
        .manifest(
            "invalid CIDR octet", "network:\n  cidr: 10.0.0.300/16\n",
            "infra/dev.yaml:6:9: error: invalid CIDR: `10.0.0.300/16`: octet 300 is out of range"),
        .manifest(
            "CIDR with host bits", "network:\n  cidr: 10.0.0.1/16\n",
            "infra/dev.yaml:6:9: error: invalid CIDR: `10.0.0.1/16` has host bits set; did you mean `10.0.0.0/16`?"),
        .manifest(
            "duplicate unit names",
            MalformedCase.app + "  - name: app\n    module: ../modules/app\n    inputs: {name: b, vpc_id: v}\n",
            "infra/dev.yaml:11:11: error: duplicate unit name `app`", hint: "first declared at infra/dev.yaml:6:11"),
        .files(
            "duplicate infrastructure names",
            ["a.yaml": MalformedCase.header, "b.yaml": MalformedCase.header],
            "b.yaml:1:1: error: duplicate infrastructure name `dev`", hint: "first declared at a.yaml:1:1"),
        .manifest(
            "unknown function",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: \"${lowr(infra.name)}\"\n      vpc_id: v\n",
            "infra/dev.yaml:9:16: error: unknown function `lowr`", hint: "did you mean `lower`?"),
        .manifest(
            "reference to an unknown unit",
            "network: {cidr: 10.0.0.0/16}\nunits:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: x\n      vpc_id: ${netwrk.vpc_id}\n",
            "infra/dev.yaml:11:17: error: unknown reference `netwrk.vpc_id`", hint: "did you mean `network`?"),
        .manifest(
            "reference to an undeclared output",
            "network: {cidr: 10.0.0.0/16}\nunits:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: x\n      vpc_id: ${network.vpcid}\n",
            "infra/dev.yaml:11:17: error: unit `network` has no output `vpcid`", hint: "did you mean `vpc_id`?"),
        .manifest(
            "unknown infrastructure variable",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: ${infra.vars.tire}\n      vpc_id: v\n",
            "infra/dev.yaml:9:15: error: unknown variable `tire` in `infra.vars`", hint: "did you mean `tier`?"),
        .manifest(
            "unknown project variable",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: ${project.vars.owner}\n      vpc_id: v\n",
            "infra/dev.yaml:9:15: error: unknown variable `owner` in `project.vars`", hint: "declared variables: none"),
        .manifest(
            "required variable left unset",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs: {name: x}\n",
            "infra/dev.yaml:6:11: error: unit `app` does not set required variable `vpc_id`",
            hint: "module `modules/app` declares it at modules/app/variables.tf:4:1 without a default"),
        .manifest(
            "input the module does not declare",
            MalformedCase.app.replacingOccurrences(of: "vpc_id: vpc-1", with: "vpc_id: vpc-1\n      replics: 3"),
            "infra/dev.yaml:11:7: error: module `modules/app` has no variable `replics`", hint: "did you mean `replicas`?"),
        .manifest(
            "input of the wrong shape",
            MalformedCase.app.replacingOccurrences(of: "vpc_id: vpc-1", with: "vpc_id: vpc-1\n      replicas: [1, 2]"),
            "infra/dev.yaml:11:17: error: input `replicas` of unit `app` must be a number, got a list",
            hint: "module `modules/app` declares `type = number`"),
        .manifest(
            "dependency cycle",
            """
            units:
              - name: a
                module: ../modules/app
                inputs: {name: "${c.bucket}", vpc_id: v}
              - name: b
                module: ../modules/app
                inputs: {name: "${a.bucket}", vpc_id: v}
              - name: c
                module: ../modules/app
                dependsOn: [b]
                inputs: {name: x, vpc_id: v}

            """,
            "infra/dev.yaml:6:11: error: dependency cycle: a -> c -> b -> a",
            hint: "remove one of the output references or `dependsOn` entries along the cycle"),
        .manifest(
            "YAML syntax error", "network:\n  cidr: [10.0.0.0/16\n",
            "infra/dev.yaml:7:1: error: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence"),
        .manifest(
            "duplicate YAML key", "network: {cidr: 10.0.0.0/16}\nnetwork: {cidr: 10.1.0.0/16}\n",
            "infra/dev.yaml:5:1: error: duplicate key `network` in a mapping",
            hint: "each key may appear once; merge the entries"),
        .files(
            "infrastructure without a name", ["infra/dev.yaml": "kind: Infrastructure\ncloud: {region: eu-west-1}\n"],
            "infra/dev.yaml:1:1: error: infrastructure has no `name`", hint: "add `name: my-infra`"),
        .files(
            "invalid infrastructure name",
            ["infra/dev.yaml": "kind: Infrastructure\nname: Dev_1\ncloud: {region: eu-west-1}\n"],
            "infra/dev.yaml:2:7: error: infrastructure name `Dev_1` must start with a lowercase letter"),
        .files(
            "missing cloud section", ["infra/dev.yaml": "kind: Infrastructure\nname: dev\n"],
            "infra/dev.yaml:1:1: error: infrastructure `dev` has no `cloud` section",
            hint: "add `cloud: {provider: aws, region: eu-west-1}`"),
        .files(
            "unsupported cloud provider", ["infra/dev.yaml": "kind: Infrastructure\nname: dev\ncloud: {provider: gcp, region: eu-west-1}\n"],
            "infra/dev.yaml:3:19: error: unsupported cloud provider `gcp`", hint: "supported: aws"),
        .files(
            "invalid region", ["infra/dev.yaml": "kind: Infrastructure\nname: dev\ncloud:\n  region: europe\n"],
            "infra/dev.yaml:4:11: error: region `europe` is not an AWS region name like `eu-west-1`"),
        .manifest(
            "module path leaving the repository",
            "units:\n  - name: app\n    module: ../../../outside\n",
            "infra/dev.yaml:7:13: error: module path `../../../outside` leaves the repository",
            hint: "modules must live inside the repository"),
        .manifest(
            "module folder that does not exist", "units:\n  - name: app\n    module: ./modules/nope\n",
            "infra/dev.yaml:7:13: error: module `infra/modules/nope` not found", hint: "no folder at that path"),
        .files(
            "misspelt kind", ["infra/dev.yaml": "kind: Infrastucture\nname: dev\n"],
            "infra/dev.yaml:1:7: error: unknown kind `Infrastucture`", hint: "did you mean `Infrastructure`?"),
        .manifest(
            "unquoted Kubernetes version", "kubernetes:\n  version: 1.30\n",
            "infra/dev.yaml:6:12: error: kubernetes version must be a quoted string",
            hint: "write `version: \"1.30\"`; unquoted, 1.30 would be read as the number 1.3"),
        .manifest(
            "node minimum above maximum", "kubernetes:\n  nodes: {min: 5, max: 2}\n",
            "infra/dev.yaml:6:24: error: `nodes.max` (2) is smaller than `nodes.min` (5)"),
        .manifest(
            "dependsOn an unknown unit",
            MalformedCase.app.replacingOccurrences(of: "    inputs:", with: "    dependsOn: [netwrk]\n    inputs:"),
            "infra/dev.yaml:8:17: error: unit `app` depends on unknown unit `netwrk`", hint: "units: `app`"),
        .manifest(
            "unterminated template",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: \"x-${infra.name\"\n      vpc_id: v\n",
            "infra/dev.yaml:9:16: error: unterminated `${`", hint: "add `}` to close the expression"),
        .files(
            "project document outside the root",
            ["infra/project.yaml": "kind: Project\nname: acme\n"],
            "infra/project.yaml:1:1: error: a `kind: Project` document must be in `terrace.yaml` at the repository root",
            hint: "move it to terrace.yaml"),
        .files(
            "unknown Terraform binary", ["terrace.yaml": "kind: Project\nterraform:\n  binary: terraformm\n"],
            "terrace.yaml:3:11: error: unknown Terraform binary `terraformm`", hint: "use `terraform` or `tofu`"),
        .manifest(
            "units given as a mapping", "units:\n  app: {module: ../modules/app}\n",
            "infra/dev.yaml:6:3: error: `units` must be a list, got a mapping"),
        .manifest(
            "custom unit named like a built-in section",
            "units:\n  - name: network\n    module: ../modules/app\n    inputs: {name: x, vpc_id: v}\n",
            "infra/dev.yaml:6:11: error: unit name `network` is reserved",
            hint: "`network` is a built-in section; configure it at the top level of the manifest"),
        .manifest(
            "domain outside its parent", "domain:\n  name: dev.example.com\n  parent: example.org\n",
            "infra/dev.yaml:7:11: error: domain `dev.example.com` is not inside its parent `example.org`",
            hint: "the domain must end with `.example.org`"),
        .files(
            "module with an HCL syntax error",
            [
                "modules/broken/main.tf": "variable \"x\" {\n  type = string\n",
                "infra/dev.yaml": MalformedCase.header + "units:\n  - name: app\n    module: ../modules/broken\n    inputs: {x: y}\n",
            ],
            "modules/broken/main.tf:1:14: error: unclosed `{` opened at line 1", hint: "add the matching `}`"),
        .manifest(
            "unit referencing its own output",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs: {name: \"${app.bucket}\", vpc_id: v}\n",
            "infra/dev.yaml:8:23: error: unit `app` references its own output `app.bucket`"),
        .files(
            "endpoint without a scheme",
            ["infra/dev.yaml": "kind: Infrastructure\nname: dev\ncloud: {region: eu-west-1, endpoint: localhost:5000}\n"],
            "infra/dev.yaml:3:38: error: endpoint `localhost:5000` must start with `http://` or `https://`"),
        .manifest(
            "invalid bucket name", "backend:\n  bucket: My_Bucket\n",
            "infra/dev.yaml:6:11: error: bucket name `My_Bucket` may only contain lowercase letters, digits, `-` and `.`"),
        .manifest(
            "unsupported module source", "units:\n  - name: app\n    module: hashicorp/consul/aws\n",
            "infra/dev.yaml:7:13: error: unsupported module source `hashicorp/consul/aws`",
            hint: "use a local path starting with `./` or `../`, or `git::https://host/repo.git//subdir?ref=TAG`"),
        .manifest(
            "function called with the wrong number of arguments",
            "units:\n  - name: app\n    module: ../modules/app\n    inputs:\n      name: ${cidrsubnet(\"10.0.0.0/16\", 8)}\n      vpc_id: v\n",
            "infra/dev.yaml:9:15: error: `cidrsubnet` takes 3 arguments, got 2"),
    ]

    @Test("each malformed input gives its diagnostic, with location, message and hint", arguments: cases)
    func reportsPrecisely(_ malformed: MalformedCase) async throws {
        let result = await TestRepo(malformed.files).load()
        #expect(result.repository == nil, "a repository with errors must not load")
        let match = result.diagnostics.first { $0.description.hasPrefix(malformed.expected + (malformed.hint == nil ? "" : " (hint:")) || $0.description == malformed.expected }
        let found = try #require(match, "expected `\(malformed.expected)` among:\n\(result.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(found.hint == malformed.hint)
    }

    @Test("there are at least 25 distinct malformed inputs")
    func enoughCases() {
        #expect(Set(Self.cases.map(\.expected)).count >= 25)
    }

    @Test("all problems of a repository are reported in one run, across files")
    func reportsEverything() async {
        var files = Fixtures.valid
        files["infra/dev.yaml"] = Fixtures.dev.replacingOccurrences(of: "cidr: 10.0.0.0/16", with: "cidr: 10.0.0.0/33")
            .replacingOccurrences(of: "${network.vpc_id}", with: "${network.vpcid}")
        files["infra/prod.yml"] = Fixtures.prod.replacingOccurrences(of: "name: prod-api", with: "nme: prod-api")
        let result = await TestRepo(files).load()
        #expect(result.repository == nil)
        let messages = result.diagnostics.map(\.message)
        #expect(messages.contains("invalid CIDR: `10.0.0.0/33`: prefix length must be 0-32"))
        #expect(messages.filter { $0 == "unit `network` has no output `vpcid`" }.count == 2)
        #expect(messages.contains("module `modules/app` has no variable `nme`"))
        #expect(messages.contains("unit `api` does not set required variable `name`"))
        #expect(Set(result.diagnostics.map(\.location.file)) == ["infra/dev.yaml", "infra/prod.yml"])
        #expect(result.diagnostics == result.diagnostics.sortedByLocation())
    }

    @Test("a decoding problem in a section is not reported again as a missing required variable")
    func noCascade() async {
        let result = await TestRepo(["infra/dev.yaml": MalformedCase.header + "network:\n  zones: 2\n"]).load()
        #expect(result.diagnostics.map(\.description) == [
            "infra/dev.yaml:5:1: error: `network` needs a `cidr` (hint: add `cidr: 10.0.0.0/16`)"
        ])
    }
}
