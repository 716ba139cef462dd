import Testing
import TerraceCore
@testable import TerraceTerraform

@Suite struct TerraformJSONTests {
    private func change(_ actions: [String], mode: String = "managed") -> String {
        let list = actions.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"address":"x.y","mode":"\#(mode)","change":{"actions":[\#(list)],"before":null,"after":{"value":"secret"}}}"#
    }

    @Test func countsEveryKindOfAction() throws {
        let changes = [
            change(["create"]), change(["create"]), change(["update"]), change(["delete"]),
            change(["delete", "create"]), change(["create", "delete"]), change(["no-op"]), change(["read"], mode: "data"),
            change(["forget"]),
        ]
        let plan = #"{"format_version":"1.2","resource_changes":[\#(changes.joined(separator: ","))],"output_changes":{}}"#
        let summary = try TerraformJSON.resourceSummary(planJSON: Fixtures.bytes(plan))
        #expect(summary == ResourceSummary(add: 4, change: 1, destroy: 3))
    }

    @Test func planWithoutResourceChanges() throws {
        let summary = try TerraformJSON.resourceSummary(planJSON: Fixtures.bytes(#"{"format_version":"1.2","planned_values":{}}"#))
        #expect(summary == ResourceSummary())
        #expect(!summary.hasChanges)
    }

    @Test func unreadablePlanThrowsWithoutQuotingIt() {
        #expect(throws: TerraformJSON.ParseError(what: "show -json")) {
            try TerraformJSON.resourceSummary(planJSON: Fixtures.bytes("Error: the password is hunter2"))
        }
    }

    @Test func outputsBecomeValuesAndSensitiveNames() throws {
        let json = """
            {
              "arn": {"sensitive": false, "type": "string", "value": "arn:aws:ssm:us-east-1:123456789012:parameter/x"},
              "count": {"sensitive": false, "type": "number", "value": 3},
              "one": {"sensitive": false, "type": "number", "value": 1},
              "flag": {"sensitive": false, "type": "bool", "value": true},
              "obj": {"sensitive": false, "type": ["object", {"a": "number"}], "value": {"a": 1.5, "b": [true, null, "x"]}},
              "nothing": {"sensitive": false, "type": "dynamic", "value": null},
              "password": {"sensitive": true, "type": "string", "value": "hunter2"}
            }
            """
        let outputs = try TerraformJSON.outputs(outputJSON: Fixtures.bytes(json))
        #expect(outputs.values == [
            "arn": "arn:aws:ssm:us-east-1:123456789012:parameter/x", "count": 3, "one": 1, "flag": true,
            "obj": ["a": 1.5, "b": [true, .null, "x"]], "nothing": .null, "password": "hunter2",
        ])
        #expect(outputs.sensitive == ["password"])
    }

    @Test func noOutputs() throws {
        #expect(try TerraformJSON.outputs(outputJSON: Fixtures.bytes("{}\n")) == UnitOutputs())
        #expect(throws: TerraformJSON.ParseError.self) { try TerraformJSON.outputs(outputJSON: Fixtures.bytes("[]")) }
    }

    @Test func versionOfTerraformAndTofu() throws {
        let terraform = #"{"terraform_version":"1.11.4","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}"#
        #expect(try TerraformJSON.version(versionJSON: Fixtures.bytes(terraform)) == "1.11.4")
        let tofu = #"{"terraform_version":"1.8.3","platform":"linux_amd64","provider_selections":{}}"#
        #expect(try TerraformJSON.version(versionJSON: Fixtures.bytes(tofu)) == "1.8.3")
        #expect(throws: TerraformJSON.ParseError.self) { try TerraformJSON.version(versionJSON: Fixtures.bytes("Terraform v0.11")) }
    }

    @Test func versionsCompare() throws {
        #expect(TerraformVersion("1.11.4") == TerraformVersion(major: 1, minor: 11, patch: 4))
        #expect(TerraformVersion("v1.6.0-beta1") == TerraformVersion(major: 1, minor: 6, patch: 0))
        #expect(TerraformVersion("1.5") == TerraformVersion.minimum)
        #expect(TerraformVersion("garbage") == nil)
        #expect(TerraformVersion("1.x") == nil)
        let old = try #require(TerraformVersion("1.4.7"))
        let new = try #require(TerraformVersion("1.10.0"))
        #expect(old < .minimum)
        #expect(new > .minimum)
    }

    @Test func versionCheckAcceptsRecentAndRefusesOld() throws {
        #expect(try TerraformExecutor.checkVersion(versionJSON: Fixtures.bytes(#"{"terraform_version":"1.11.4"}"#), name: "terraform") == "1.11.4")
        do {
            _ = try TerraformExecutor.checkVersion(versionJSON: Fixtures.bytes(#"{"terraform_version":"1.4.6"}"#), name: "terraform")
            Issue.record("an old version passed")
        } catch {
            #expect(error.code == .setup)
            #expect(error.message == "terraform 1.4.6 is too old: Terrace needs 1.5 or later")
        }
    }
}
