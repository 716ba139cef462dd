/// Checks every unit of an infrastructure against its module's declarations and the references it makes.
struct UnitValidator {
    let project: Project
    let modules: [ModuleSource: ResolvedModule]

    /// Every problem of `infrastructure`'s units, in one pass.
    /// Units named in `incompleteUnits` already had problems reported while decoding; their unset
    /// required variables are not reported again.
    func validate(_ infrastructure: Infrastructure, incompleteUnits: Set<String> = []) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let names = infrastructure.units.map(\.name)
        let nameSet = Set(names)
        for unit in infrastructure.units {
            let module = modules[unit.module]
            for dependency in unit.dependsOn {
                if dependency.value == unit.name {
                    diagnostics.append(.error(dependency.location, "unit `\(unit.name)` depends on itself"))
                } else if !nameSet.contains(dependency.value) {
                    diagnostics.append(.error(
                        dependency.location, "unit `\(unit.name)` depends on unknown unit `\(dependency.value)`",
                        hint: Self.suggest(dependency.value, among: names, listing: "units")))
                }
            }
            if let module {
                diagnostics += checkInputs(unit, module: module, reportMissing: !incompleteUnits.contains(unit.name))
            }
            for input in unit.inputs.keys.sorted() {
                guard let value = unit.inputs[input] else { continue }
                let renderer = InputRenderer(project: project, infrastructure: infrastructure, outputs: [:])
                for template in value.templates {
                    // Variables are known now; outputs of units are not. What fails regardless of them is an error.
                    let errors = Evaluator.validate(template) { reference throws(ExpressionError) in
                        (try? renderer.resolve(reference)) ?? .unknown
                    }
                    diagnostics += errors.map(\.diagnostic)
                }
                for reference in value.references {
                    if let problem = check(reference, from: unit, in: infrastructure, names: names) {
                        diagnostics.append(problem)
                    }
                }
            }
        }
        return diagnostics
    }

    /// Inputs the module does not declare, required variables left unset, and literal values of the wrong shape.
    private func checkInputs(_ unit: UnitSpec, module: ResolvedModule, reportMissing: Bool) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let variables = module.declarations.variables
        for (name, value) in unit.inputs.sorted(by: { $0.key < $1.key }) {
            let location = unit.inputKeyLocations[name] ?? value.location
            guard let variable = variables[name] else {
                diagnostics.append(.error(
                    location, "module `\(module.displayName)` has no variable `\(name)`",
                    hint: Self.suggest(name, among: variables.keys.sorted(), listing: "its variables")))
                continue
            }
            if let problem = Self.typeMismatch(value, declared: variable.type) {
                diagnostics.append(.error(
                    value.location, "input `\(name)` of unit `\(unit.name)` \(problem)",
                    hint: "module `\(module.displayName)` declares `type = \(variable.type ?? "any")`"))
            }
        }
        let missing = variables.values.filter { reportMissing && $0.isRequired && unit.inputs[$0.name] == nil }.sorted { $0.name < $1.name }
        for variable in missing {
            diagnostics.append(.error(
                unit.location, "unit `\(unit.name)` does not set required variable `\(variable.name)`",
                hint: "module `\(module.displayName)` declares it at \(variable.location) without a default"))
        }
        return diagnostics
    }

    /// Why a literal input cannot match a simple declared type, or nil when it can (or cannot be known yet).
    static func typeMismatch(_ value: InputValue, declared type: String?) -> String? {
        guard let type = type?.filter({ !$0.isWhitespace }), !type.isEmpty, type != "any" else { return nil }
        let expectsList = type.hasPrefix("list(") || type.hasPrefix("set(") || type.hasPrefix("tuple(")
        let expectsMap = type.hasPrefix("map(") || type.hasPrefix("object(")
        let expectsScalar = ["string", "number", "bool"].contains(type)
        switch value {
        case .template: return nil
        case .list:
            return expectsList || !(expectsMap || expectsScalar) ? nil : "must be \(article(type)), got a list"
        case .map:
            return expectsMap || !(expectsList || expectsScalar) ? nil : "must be \(article(type)), got a mapping"
        case .literal(let literal, _):
            switch (literal, type) {
            case (.null, _): return nil
            case (_, _) where expectsList: return "must be \(article(type)), got \(literal.typeName == "string" ? "a string" : "a \(literal.typeName)")"
            case (_, _) where expectsMap: return "must be \(article(type)), got \(literal.typeName == "string" ? "a string" : "a \(literal.typeName)")"
            case (.string(let text), "number") where Number(parsing: text) == nil: return "must be a number, got the string `\(text)`"
            case (.string(let text), "bool") where text != "true" && text != "false": return "must be a bool, got the string `\(text)`"
            case (.number, "bool"): return "must be a bool, got a number"
            case (.bool, "number"): return "must be a number, got a bool"
            default: return nil
            }
        }
    }

    private static func article(_ type: String) -> String {
        if type.hasPrefix("list(") || type.hasPrefix("set(") || type.hasPrefix("tuple(") { return "a list (`\(type)`)" }
        if type.hasPrefix("map(") || type.hasPrefix("object(") { return "a mapping (`\(type)`)" }
        return "a \(type)"
    }

    /// Checks one reference: `infra.*`, `project.*` or `UNIT.OUTPUT`.
    private func check(_ reference: Reference, from unit: UnitSpec, in infrastructure: Infrastructure, names: [String]) -> Diagnostic? {
        let path = reference.path
        guard let root = path.first else { return nil }
        let text = reference.text
        switch root {
        case "infra":
            guard path.count >= 2 else { return nil }  // `infra` alone is an object of all three
            switch path[1] {
            case "name", "region":
                return path.count == 2 ? nil : .error(reference.location, "`infra.\(path[1])` is a string and has no attributes")
            case "vars":
                return checkVariable(path, in: infrastructure.vars, scope: "infra", reference: reference)
            default:
                return .error(
                    reference.location, "unknown reference `\(text)`",
                    hint: Self.suggest(path[1], among: ["name", "region", "vars"], listing: "`infra` has"))
            }
        case "project":
            guard path.count >= 2 else { return nil }  // `project` alone is an object of its name and vars
            switch path[1] {
            case "name": return path.count == 2 ? nil : .error(reference.location, "`project.name` is a string and has no attributes")
            case "vars": return checkVariable(path, in: project.vars, scope: "project", reference: reference)
            default:
                return .error(
                    reference.location, "unknown reference `\(text)`",
                    hint: Self.suggest(path[1], among: ["name", "vars"], listing: "`project` has"))
            }
        default:
            guard let target = infrastructure.unit(named: root) else {
                return .error(
                    reference.location, "unknown reference `\(text)`",
                    hint: Self.suggest(root, among: names, listing: "references start with `infra.`, `project.` or a unit name"))
            }
            if target.name == unit.name {
                return .error(reference.location, "unit `\(unit.name)` references its own output `\(text)`")
            }
            // A unit alone is an object of all its outputs, like Terraform's `module.NAME`.
            guard path.count >= 2 else { return nil }
            guard let module = modules[target.module] else { return nil }
            let outputs = module.declarations.outputs.keys.sorted()
            guard module.declarations.outputs[path[1]] != nil else {
                return .error(
                    reference.location, "unit `\(root)` has no output `\(path[1])`",
                    hint: Self.suggest(path[1], among: outputs, listing: "its outputs"))
            }
            return nil
        }
    }

    private func checkVariable(_ path: [String], in vars: [String: Value], scope: String, reference: Reference) -> Diagnostic? {
        guard path.count >= 3 else { return nil }  // `infra.vars` alone is the object of all variables
        guard vars[path[2]] != nil else {
            return .error(
                reference.location, "unknown variable `\(path[2])` in `\(scope).vars`",
                hint: Self.suggest(path[2], among: vars.keys.sorted(), listing: "declared variables"))
        }
        return nil
    }

    /// "did you mean `x`?" when a candidate is close, otherwise the list of candidates.
    static func suggest(_ name: String, among candidates: [String], listing what: String) -> String {
        if let closest = Suggestions.closest(to: name, in: candidates) {
            return "did you mean `\(closest)`?"
        }
        if candidates.isEmpty { return "\(what): none" }
        let shown = candidates.prefix(12).map { "`\($0)`" }.joined(separator: ", ")
        return "\(what): \(shown)\(candidates.count > 12 ? ", …" : "")"
    }
}
