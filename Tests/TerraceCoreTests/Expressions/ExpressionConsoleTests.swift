import Foundation
import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite struct ExpressionConsoleTests {
    /// The valid fixture's `dev`, with `network` and `api` applied (api's `token` is sensitive) and the rest not.
    static func console() async throws -> ExpressionConsole {
        let repository = try await TestRepo(Fixtures.valid).loadValid()
        let infrastructure = try #require(repository.infrastructure(named: "dev"))
        let network = UnitRecord(
            digest: "d", moduleDigest: "m", settingsDigest: "s", inputDigests: [:],
            outputs: ["vpc_id": "vpc-1", "private_subnet_ids": ["subnet-a", "subnet-b"]], module: "builtin:aws/network",
            appliedAt: Date(timeIntervalSince1970: 0))
        let api = UnitRecord(
            digest: "d", moduleDigest: "m", settingsDigest: "s", inputDigests: [:],
            outputs: ["bucket": "dev-api", "token": "hunter2-secret"], sensitiveOutputs: ["token"], module: "modules/app",
            appliedAt: Date(timeIntervalSince1970: 0))
        let record = InfrastructureRecord(infrastructure: "dev", units: ["network": network, "api": api])
        return ExpressionConsole(project: repository.project, infrastructure: infrastructure, record: record)
    }

    @Test func evaluatesWithVarsAndRecordedOutputs() async throws {
        let console = try await Self.console()
        #expect(console.evaluate("upper(infra.vars.tier)") == .value("\"SMALL\""))
        #expect(console.evaluate("\"${project.vars.owner}-${infra.name}\"") == .value("\"platform-dev\""))
        #expect(console.evaluate("network.private_subnet_ids[*]") == .value("[\n  \"subnet-a\",\n  \"subnet-b\",\n]"))
        #expect(console.evaluate("{for s in network.private_subnet_ids : s => length(s)}") == .value("{\n  \"subnet-a\" = 8\n  \"subnet-b\" = 8\n}"))
        #expect(console.evaluate("tolist([1, 2])") == .value("tolist([\n  1,\n  2,\n])"))
        #expect(console.evaluate("tomap({a = 1})") == .value("tomap({\n  \"a\" = 1\n})"))
        #expect(console.evaluate("1/3 * 3") == .value("1"))
        #expect(console.evaluate("   ") == .nothing)
        #expect(console.evaluate("# a comment") == .nothing)
    }

    @Test func outputsOfUnitsNotAppliedAreKnownAfterApply() async throws {
        let console = try await Self.console()
        #expect(console.evaluate("kubernetes.endpoint") == .value("(known after apply)"))
        #expect(console.evaluate("\"https://${kubernetes.endpoint}\"") == .value("(known after apply)"))
        #expect(console.evaluate("[network.vpc_id, kubernetes.endpoint]") == .value("[\n  \"vpc-1\",\n  (known after apply),\n]"))
    }

    @Test func sensitiveOutputsNeverShow() async throws {
        let console = try await Self.console()
        #expect(console.evaluate("api.token") == .value("(sensitive value)"))
        #expect(console.evaluate("upper(api.token)") == .value("(sensitive value)"))
        #expect(console.evaluate("api.bucket") == .value("\"dev-api\""))
        #expect(console.evaluate("keys(api)") == .value("(sensitive value)"))
        #expect(console.evaluate("keys(network)") == .value("[\n  \"private_subnet_ids\",\n  \"vpc_id\",\n]"))
        #expect(console.evaluate("infra.vars") == .value("{\n  \"tier\" = \"small\"\n}"))
        guard case .error(let error) = console.evaluate("api.token * 2") else {
            Issue.record("a failing expression over a sensitive output must be an error")
            return
        }
        #expect(!error.description.contains("hunter2"))
        #expect(error.message.contains("hidden"))
    }

    @Test func errorsPointIntoTheLine() async throws {
        let console = try await Self.console()
        guard case .error(let unknown) = console.evaluate("lower(netwrk.vpc_id)", lineNumber: 3) else {
            Issue.record("expected an error")
            return
        }
        #expect(unknown.message == "unknown reference `netwrk.vpc_id`")
        #expect(unknown.hint == "did you mean `network`?")
        #expect(unknown.location == SourceLocation(file: "<console>", line: 3, column: 7))
        guard case .error(let syntax) = console.evaluate("1 +") else {
            Issue.record("expected an error")
            return
        }
        #expect(syntax.location.column == 4)
        guard case .error(let variable) = console.evaluate("infra.vars.tire") else {
            Issue.record("expected an error")
            return
        }
        #expect(variable.message.contains("tire"))
    }
}
