import Foundation
import TerraceCore

/// Reads the JSON Terraform prints for `show -json PLAN`, `output -json` and `version -json`.
///
/// Parsing is pure. Errors never quote the JSON: a plan or outputs may hold sensitive values.
enum TerraformJSON {
    /// The JSON could not be understood; `what` names the command whose output it was.
    struct ParseError: Error, Hashable, Sendable {
        /// `terraform show -json`, `terraform output -json`…
        var what: String
    }

    /// Counts `resource_changes[].change.actions` of a plan: `create` adds, `update` changes, `delete`
    /// destroys and a replacement (`delete`+`create` in either order) adds and destroys; `no-op`, `read`
    /// and anything else are ignored.
    static func resourceSummary(planJSON: [UInt8]) throws(ParseError) -> ResourceSummary {
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: Data(planJSON))
        } catch {
            throw ParseError(what: "show -json")
        }
        var summary = ResourceSummary()
        for change in plan.resourceChanges ?? [] {
            let actions = Set(change.change?.actions ?? [])
            if actions.contains("create") { summary.add += 1 }
            if actions.contains("delete") { summary.destroy += 1 }
            if actions.contains("update") { summary.change += 1 }
        }
        return summary
    }

    /// The values of `output -json`, converted to ``Value``s, and the names Terraform marks sensitive.
    static func outputs(outputJSON: [UInt8]) throws(ParseError) -> UnitOutputs {
        let entries: [String: Output]
        do {
            entries = try JSONDecoder().decode([String: Output].self, from: Data(outputJSON))
        } catch {
            throw ParseError(what: "output -json")
        }
        var outputs = UnitOutputs()
        for (name, entry) in entries {
            outputs.values[name] = entry.value ?? .null
            if entry.sensitive == true { outputs.sensitive.insert(name) }
        }
        return outputs
    }

    /// The version in `version -json`'s `terraform_version` (OpenTofu prints the same key).
    static func version(versionJSON: [UInt8]) throws(ParseError) -> String {
        do {
            return try JSONDecoder().decode(Version.self, from: Data(versionJSON)).terraformVersion
        } catch {
            throw ParseError(what: "version -json")
        }
    }

    private struct Plan: Decodable {
        var resourceChanges: [ResourceChange]?

        enum CodingKeys: String, CodingKey {
            case resourceChanges = "resource_changes"
        }
    }

    private struct ResourceChange: Decodable {
        var change: Change?
    }

    private struct Change: Decodable {
        var actions: [String]?
    }

    private struct Output: Decodable {
        var sensitive: Bool?
        var value: Value?
    }

    private struct Version: Decodable {
        var terraformVersion: String

        enum CodingKeys: String, CodingKey {
            case terraformVersion = "terraform_version"
        }
    }
}
