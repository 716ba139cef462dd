/// Evaluates and statically checks templates and expressions.
public enum Evaluator {
    /// Evaluates a template.
    ///
    /// A literal template gives `.string(text)`; a single-expression template gives the expression's value with
    /// its type; otherwise the parts are concatenated into a string. `resolve` returns the value of a reference's
    /// `path`; the evaluator applies the reference's indices. `.unknown` propagates instead of failing.
    public static func evaluate(
        _ template: Template, resolve: (Reference) throws(ExpressionError) -> Value
    ) throws(ExpressionError) -> Value {
        if template.isSingleExpression, case .expression(let expression) = template.parts.first {
            return try evaluate(expression, resolve: resolve)
        }
        var text = ""
        var sawUnknown = false
        for part in template.parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .expression(let expression):
                let value = try evaluate(expression, resolve: resolve)
                if value == .unknown {
                    sawUnknown = true
                } else if let piece = value.interpolated {
                    text += piece
                } else if case .map = value {
                    throw ExpressionError(
                        at: expression.location, "cannot interpolate a map into a string",
                        hint: "pick one value with an index such as `[\"key\"]`, or use `jsonencode(...)`")
                } else {
                    throw ExpressionError(
                        at: expression.location, "cannot interpolate a list into a string",
                        hint: "use `join(\",\", ...)` to turn the list into a string")
                }
            }
        }
        return sawUnknown ? .unknown : .string(text)
    }

    /// Evaluates one expression.
    public static func evaluate(
        _ expression: Expression, resolve: (Reference) throws(ExpressionError) -> Value
    ) throws(ExpressionError) -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .reference(let reference):
            var value = try resolve(reference)
            for index in reference.indices {
                let key = try evaluate(index, resolve: resolve)
                value = try subscripting(value, with: key, at: index.location)
            }
            return value
        case .list(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item, resolve: resolve)) }
            return .list(values)
        case .map(let entries, _):
            var values: [String: Value] = [:]
            for entry in entries { values[entry.key] = try evaluate(entry.value, resolve: resolve) }
            return .map(values)
        case .index(let base, let index):
            let value = try evaluate(base, resolve: resolve)
            let key = try evaluate(index, resolve: resolve)
            return try subscripting(value, with: key, at: index.location)
        case .call(let name, let arguments, let location):
            guard let function = ExpressionFunction.all[name] else {
                throw unknownFunction(name, at: location)
            }
            if let error = function.arityError(count: arguments.count, at: location) { throw error }
            var values: [ExpressionFunction.Argument] = []
            values.reserveCapacity(arguments.count)
            var sawUnknown = false
            for (offset, argument) in arguments.enumerated() {
                let value = try evaluate(argument, resolve: resolve)
                if value.containsUnknown { sawUnknown = true }
                values.append(
                    ExpressionFunction.Argument(
                        value: value, location: argument.location, position: offset + 1, function: name))
            }
            if sawUnknown { return .unknown }
            return try function.body(ExpressionFunction.Call(name: name, location: location, arguments: values))
        }
    }

    /// Reads the path segments of `reference` from index `segment` on as map keys of `value`.
    ///
    /// For resolvers that look up only the first segments themselves: e.g. a resolver finds the outputs of unit
    /// `network`, takes output `tags`, then calls this with `segment: 2` to read `network.tags.team`.
    public static func attributes(
        of value: Value, in reference: Reference, from segment: Int
    ) throws(ExpressionError) -> Value {
        var value = value
        var index = max(segment, 0)
        while index < reference.path.count {
            let name = reference.path[index]
            let location = reference.location(ofSegment: index)
            switch value {
            case .unknown:
                return .unknown
            case .map(let entries):
                guard let found = entries[name] else {
                    let owner = reference.path.prefix(index).joined(separator: ".")
                    throw ExpressionError(
                        at: location, "`\(owner)` has no attribute `\(name)`",
                        hint: ExpressionFunction.keyHint(name, in: entries))
                }
                value = found
            default:
                throw ExpressionError(
                    at: location, "cannot read attribute `\(name)` of a \(value.typeName)",
                    hint: value == .null ? "the value is null" : nil)
            }
            index += 1
        }
        return value
    }

    /// The names of all built-in functions, sorted.
    public static var functionNames: [String] { ExpressionFunction.names }

    /// The "unknown function" error, with a suggestion when a known name is close.
    static func unknownFunction(_ name: String, at location: SourceLocation) -> ExpressionError {
        let hint = Suggestions.closest(to: name, in: ExpressionFunction.names).map { "did you mean `\($0)`?" }
        return ExpressionError(at: location, "unknown function `\(name)`", hint: hint)
    }

    /// `value[key]`, failing at `location` (the index) when the index is invalid.
    static func subscripting(_ value: Value, with key: Value, at location: SourceLocation) throws(ExpressionError)
        -> Value
    {
        if value == .unknown || key == .unknown { return .unknown }
        switch value {
        case .list(let items):
            let number: Double?
            switch key {
            case .number(let n): number = n
            case .string(let text): number = ExpressionFunction.parseNumber(text)
            default: number = nil
            }
            guard let number else {
                throw ExpressionError(at: location, "a list is indexed by a number, got \(describe(key))")
            }
            guard let index = ExpressionFunction.wholeNumber(number) else {
                throw ExpressionError(at: location, "list index `\(Value.format(number))` is not a whole number")
            }
            guard items.indices.contains(index) else {
                let hint = items.isEmpty ? "the list is empty" : "valid indices are 0-\(items.count - 1)"
                let elements = items.count == 1 ? "1 element" : "\(items.count) elements"
                throw ExpressionError(
                    at: location, "index `\(index)` is out of range for a list of \(elements)", hint: hint)
            }
            return items[index]
        case .map(let entries):
            guard case .string = key, let name = key.interpolated else {
                if case .number = key, let name = key.interpolated, let found = entries[name] { return found }
                if case .number = key, let name = key.interpolated {
                    throw ExpressionError(
                        at: location, "map has no key `\(name)`", hint: ExpressionFunction.keyHint(name, in: entries))
                }
                throw ExpressionError(at: location, "a map is indexed by a string, got \(describe(key))")
            }
            guard let found = entries[name] else {
                throw ExpressionError(
                    at: location, "map has no key `\(name)`", hint: ExpressionFunction.keyHint(name, in: entries))
            }
            return found
        case .null:
            throw ExpressionError(at: location, "cannot index a null value")
        default:
            throw ExpressionError(
                at: location, "cannot index a \(value.typeName)", hint: "only lists and maps can be indexed")
        }
    }

    private static func describe(_ value: Value) -> String {
        if case .string(let text) = value, text.unicodeScalars.count <= 40 { return "string `\(text)`" }
        return value.typeName
    }
}
