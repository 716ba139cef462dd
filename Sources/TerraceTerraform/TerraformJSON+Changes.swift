import Foundation
import TerraceCore

extension TerraformJSON {
    /// Each resource and output a plan (`show -json PLAN`) changes, with its attribute diff; sensitive values
    /// (Terraform's `before_sensitive`/`after_sensitive`) never leave as anything but `(sensitive)`.
    static func changes(planJSON: [UInt8]) throws(ParseError) -> [PlannedChange] {
        let plan: ReviewPlan
        do {
            plan = try JSONDecoder().decode(ReviewPlan.self, from: Data(planJSON))
        } catch {
            throw ParseError(what: "show -json")
        }
        var changes: [PlannedChange] = []
        for resource in plan.resourceChanges ?? [] {
            guard let change = resource.change, let action = action(change.actions ?? []) else { continue }
            changes.append(PlannedChange(address: resource.address, action: action, attributes: attributes(change, action: action)))
        }
        for (name, change) in (plan.outputChanges ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let action = action(change.actions ?? []) else { continue }
            let sensitive = change.beforeSensitive == .bool(true) || change.afterSensitive == .bool(true)
            let unknown = change.afterUnknown == .bool(true)
            let shown = { (value: Value?) -> String? in
                guard let value else { return nil }
                return sensitive ? AttributeDiff.sensitive : AttributeDiff.render(value)
            }
            changes.append(PlannedChange(
                address: "output.\(name)", action: action,
                attributes: [AttributeChange(
                    path: "value", before: action == "create" ? nil : shown(change.before),
                    after: action == "delete" ? nil : unknown ? AttributeDiff.unknown : shown(change.after))]))
        }
        return changes
    }

    /// `create`, `update`, `delete`, `replace` or `read`; nil for `no-op`.
    static func action(_ actions: [String]) -> String? {
        let set = Set(actions)
        if set.contains("create") && set.contains("delete") { return "replace" }
        for action in ["create", "update", "delete", "read"] where set.contains(action) { return action }
        return nil
    }

    private static func attributes(_ change: ReviewChange, action: String) -> [AttributeChange] {
        guard action != "delete" else { return [] }
        let sensitive = markedPaths(change.beforeSensitive) + markedPaths(change.afterSensitive)
        let unknown = markedPaths(change.afterUnknown)
        return AttributeDiff.changes(
            before: action == "create" ? nil : change.before, after: change.after,
            isSensitive: { path in covered(path, by: sensitive) }, isUnknown: { path in covered(path, by: unknown) },
            unknownPaths: unknown)
    }

    /// The paths a `*_sensitive` / `after_unknown` structure marks `true` ("" for the whole value).
    static func markedPaths(_ marks: Value?) -> [String] {
        guard let marks else { return [] }
        if marks == .bool(true) { return [""] }
        var flat: [String: Value] = [:]
        AttributeDiff.flatten(marks, path: "", into: &flat)
        return flat.filter { $0.value == .bool(true) }.map(\.key)
    }

    /// Whether `path` is `mark` or below it.
    static func covered(_ path: String, by marks: [String]) -> Bool {
        marks.contains { mark in
            mark.isEmpty || path == mark || path.hasPrefix(mark + ".") || path.hasPrefix(mark + "[")
        }
    }

    private struct ReviewPlan: Decodable {
        var resourceChanges: [ReviewResource]?
        var outputChanges: [String: ReviewChange]?

        enum CodingKeys: String, CodingKey {
            case resourceChanges = "resource_changes"
            case outputChanges = "output_changes"
        }
    }

    private struct ReviewResource: Decodable {
        var address: String
        var change: ReviewChange?
    }

    private struct ReviewChange: Decodable {
        var actions: [String]?
        var before: Value?
        var after: Value?
        var afterUnknown: Value?
        var beforeSensitive: Value?
        var afterSensitive: Value?

        enum CodingKeys: String, CodingKey {
            case actions, before, after
            case afterUnknown = "after_unknown"
            case beforeSensitive = "before_sensitive"
            case afterSensitive = "after_sensitive"
        }
    }
}
