/// Renders a unit's inputs to plain values, resolving `infra.*`, `project.*` and upstream outputs.
public struct InputRenderer: Sendable {
    /// The project (for `project.*`).
    public var project: Project
    /// The infrastructure (for `infra.*`).
    public var infrastructure: Infrastructure
    /// The known outputs of each upstream unit; a unit missing here has unknown outputs.
    public var outputs: [String: [String: Value]]

    /// Creates a renderer.
    public init(project: Project, infrastructure: Infrastructure, outputs: [String: [String: Value]]) {
        self.project = project
        self.infrastructure = infrastructure
        self.outputs = outputs
    }

    /// The rendered inputs of `unit`; values that depend on unknown outputs are `.unknown`.
    public func render(_ unit: UnitSpec) -> Result<[String: Value], ExpressionError> {
        var result: [String: Value] = [:]
        do throws(ExpressionError) {
            for (name, input) in unit.inputs { result[name] = try render(input) }
        } catch {
            return .failure(error)
        }
        return .success(result)
    }

    private func render(_ input: InputValue) throws(ExpressionError) -> Value {
        switch input {
        case .literal(let value, _): return value
        case .template(let template): return try Evaluator.evaluate(template, resolve: resolve)
        case .list(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try render(item)) }
            return .list(values)
        case .map(let entries, _):
            var values: [String: Value] = [:]
            for (key, item) in entries { values[key] = try render(item) }
            return .map(values)
        }
    }

    /// `infra`, `project` or a unit named alone: an object of everything under it (a unit's outputs, or unknown
    /// while it has not been applied), as Terraform's `module.NAME` is.
    private func whole(_ root: String, at reference: Reference) throws(ExpressionError) -> Value {
        switch root {
        case "infra":
            return .map([
                "name": .string(infrastructure.name), "region": .string(infrastructure.cloud.region),
                "vars": .map(infrastructure.vars),
            ])
        case "project":
            return .map(["name": .string(project.name), "vars": .map(project.vars)])
        default:
            guard infrastructure.unit(named: root) != nil || outputs[root] != nil else {
                throw ExpressionError(at: reference.location, "unknown reference `\(root)`")
            }
            guard let unitOutputs = outputs[root] else { return .unknown }
            return .map(unitOutputs)
        }
    }

    /// The value a reference's dotted path names (index suffixes are applied by the evaluator).
    public func resolve(_ reference: Reference) throws(ExpressionError) -> Value {
        let path = reference.path
        func missing(_ what: String) -> ExpressionError {
            ExpressionError(at: reference.location, "unknown reference `\(reference.text)`: \(what)")
        }
        guard let root = path.first else { throw missing("incomplete reference") }
        if path.count == 1 { return try whole(root, at: reference) }
        var value: Value
        var rest: ArraySlice<String>
        switch root {
        case "infra", "project":
            let name = root == "infra" ? infrastructure.name : project.name
            let vars = root == "infra" ? infrastructure.vars : project.vars
            switch path[1] {
            case "name": value = .string(name); rest = path[2...]
            case "region" where root == "infra": value = .string(infrastructure.cloud.region); rest = path[2...]
            case "vars" where path.count == 2:
                value = .map(vars)
                rest = []
            case "vars":
                guard let variable = vars[path[2]] else { throw missing("no such variable") }
                value = variable
                rest = path[3...]
            default: throw missing("no such attribute")
            }
        default:
            guard let unitOutputs = outputs[root] else { return .unknown }
            value = unitOutputs[path[1]] ?? .null
            rest = path[2...]
        }
        for key in rest {
            switch value {
            case .unknown: return .unknown
            case .map(let entries):
                guard let next = entries[key] else { throw missing("no attribute `\(key)`") }
                value = next
            default: throw missing("`\(key)` is not an attribute of a \(value.typeName)")
            }
        }
        return value
    }
}
