import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("Unit timeouts in manifests")
struct UnitTimeoutLoadingTests {
    @Test("durations read as hours, minutes and seconds, and print back the same way")
    func parsing() throws {
        #expect(try UnitTimeout.parse("30m").get() == .seconds(1800))
        #expect(try UnitTimeout.parse("90s").get() == .seconds(90))
        #expect(try UnitTimeout.parse("2h").get() == .seconds(7200))
        #expect(try UnitTimeout.parse("1h30m").get() == .seconds(5400))
        #expect(try UnitTimeout.parse("1h0m5s").get() == .seconds(3605))
        #expect(try UnitTimeout.parse("168h").get() == UnitTimeout.maximum)
        #expect(UnitTimeout.describe(.seconds(90)) == "1m30s")
        #expect(UnitTimeout.describe(.seconds(3600)) == "1h")
        #expect(UnitTimeout.describe(.seconds(5405)) == "1h30m5s")
        #expect(UnitTimeout.describe(.milliseconds(250)) == "250ms")
        #expect(UnitTimeout.describe(UnitTimeout.standard) == "1h")
        let bad: [String: String] = [
            "": "an empty duration",
            "30": "duration `30` has no unit",
            "1h30": "duration `1h30` ends without a unit",
            "5d": "duration `5d` has an unknown unit `d`",
            "m": "duration `m` has `m` without a number before it",
            "30m1h": "duration `30m1h` must list hours, minutes and seconds once each, in that order",
            "1m1m": "duration `1m1m` must list hours, minutes and seconds once each, in that order",
            "0s": "duration `0s` is shorter than 1s",
            "169h": "duration `169h` is longer than 7 days (168h)",
            "9999999999h": "duration `9999999999h` is too long",
            "-5m": "duration `-5m` has an unknown unit `-`",
            "1.5h": "duration `1.5h` has an unknown unit `.`",
            "٣m": "duration `٣m` has an unknown unit `٣`",
        ]
        for (text, message) in bad {
            #expect(throws: UnitTimeout.ParseError(message: message), "\(text)") { try UnitTimeout.parse(text).get() }
        }
    }

    @Test("a unit's timeout wins over the project's, which wins over the 60-minute default")
    func precedence() async throws {
        var files = Fixtures.valid
        files["terrace.yaml"] = """
            kind: Project
            name: acme
            timeout: 45m
            vars: {owner: platform}
            """
        files["infra/prod.yml"] = """
            kind: Infrastructure
            name: prod
            cloud: {provider: aws, region: eu-west-1}
            network:
              cidr: 10.1.0.0/16
              timeout: 1h30m
            units:
              - name: api
                module: ../modules/app
                timeout: 90s
                inputs: {name: api, vpc_id: "${network.vpc_id}"}
            """
        let repository = try await TestRepo(files).loadValid()
        let project = repository.project
        #expect(project.timeout?.value == .seconds(2700))
        #expect(project.timeout?.location.description == "terrace.yaml:3:10")
        let prod = try #require(repository.infrastructure(named: "prod"))
        #expect(project.timeout(for: prod.unit(named: "network")) == .seconds(5400))
        #expect(project.timeout(for: prod.unit(named: "api")) == .seconds(90))
        #expect(prod.unit(named: "api")?.timeout?.location.description == "infra/prod.yml:10:14")
        let dev = try #require(repository.infrastructure(named: "dev"))
        #expect(project.timeout(for: dev.unit(named: "network")) == .seconds(2700))
        #expect(project.timeout(for: nil) == .seconds(2700))
        #expect(Project(name: "x").timeout(for: dev.unit(named: "network")) == .seconds(3600))
    }

    @Test("a bad timeout is an error at its value, and nothing loads")
    func badTimeouts() async throws {
        var files = Fixtures.valid
        files["infra/dev.yaml"] = nil
        files["terrace.yaml"] = """
            kind: Project
            name: acme
            timeout: 30
            vars: {owner: platform}
            """
        files["infra/prod.yml"] = """
            kind: Infrastructure
            name: prod
            cloud: {provider: aws, region: eu-west-1}
            network:
              cidr: 10.1.0.0/16
              timeout: 2d
            units:
              - name: api
                module: ../modules/app
                timeout: [30m]
                inputs: {name: api, vpc_id: "${network.vpc_id}"}
            """
        let result = await TestRepo(files).load()
        #expect(result.repository == nil)
        let hint = "write a duration like `30m`, `90s` or `1h30m` (at least 1s, at most 168h)"
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.description) == [
            "infra/prod.yml:6:12: error: invalid `network.timeout`: duration `2d` has an unknown unit `d` (hint: \(hint))",
            "infra/prod.yml:10:14: error: `api.timeout` must be a duration, got a list (hint: \(hint))",
            "terrace.yaml:3:10: error: `timeout` needs a unit: got the number 30 (hint: write `30m` or `30s`)",
        ])
    }
}
