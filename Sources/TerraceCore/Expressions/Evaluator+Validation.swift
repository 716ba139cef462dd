extension Evaluator {
    /// Checks a template without evaluating it: unknown functions (with a suggestion), wrong argument counts,
    /// and arguments whose type is known to be wrong. Returns the problems in source order.
    public static func validate(_ template: Template) -> [ExpressionError] {
        var errors: [ExpressionError] = []
        for part in template.parts {
            if case .expression(let expression) = part { check(expression, into: &errors) }
        }
        return errors
    }

    /// Checks one expression without evaluating it.
    public static func validate(_ expression: Expression) -> [ExpressionError] {
        var errors: [ExpressionError] = []
        check(expression, into: &errors)
        return errors
    }

    private static func check(_ expression: Expression, into errors: inout [ExpressionError]) {
        switch expression {
        case .literal:
            break
        case .reference(let reference):
            for index in reference.indices { check(index, into: &errors) }
        case .list(let items, _):
            for item in items { check(item, into: &errors) }
        case .map(let entries, _):
            for entry in entries { check(entry.value, into: &errors) }
        case .index(let base, let key):
            check(base, into: &errors)
            check(key, into: &errors)
        case .call(let name, let arguments, let location):
            guard let function = ExpressionFunction.all[name] else {
                errors.append(unknownFunction(name, at: location))
                for argument in arguments { check(argument, into: &errors) }
                return
            }
            if let error = function.arityError(count: arguments.count, at: location) {
                errors.append(error)
            }
            for (offset, argument) in arguments.enumerated() {
                check(argument, into: &errors)
                guard let kind = function.parameter(at: offset) else { continue }
                if let problem = staticTypeProblem(argument, expected: kind) {
                    errors.append(
                        ExpressionError(
                            at: argument.location,
                            "`\(name)` expects \(kind.phrase) as argument \(offset + 1), got \(problem)"))
                }
            }
        }
    }

    /// The type name of an argument known to be of the wrong kind, or nil when it is fine or unknown.
    private static func staticTypeProblem(_ argument: Expression, expected: ExpressionFunction.Kind) -> String? {
        switch argument {
        case .literal(let value, _):
            guard !expected.accepts(value) else { return nil }
            if case .string(let text) = value, text.unicodeScalars.count <= 40 { return "string `\(text)`" }
            return value.typeName
        case .list:
            return expected.mayAccept(.list) ? nil : "list"
        case .map:
            return expected.mayAccept(.map) ? nil : "map"
        case .call(let name, _, _):
            guard let result = ExpressionFunction.all[name]?.result else { return nil }
            return expected.mayAccept(result) ? nil : "\(result.phrase.split(separator: " ").last ?? "value")"
        case .reference, .index:
            return nil
        }
    }
}
