/// One evaluation of expressions: the resolver for references and the variables bound by `for` expressions,
/// template `for` directives and splats.
///
/// It follows Terraform's rules (HCL's expression semantics over cty values): operands and arguments are converted
/// to the types operators and functions need; unknown values propagate; conditionals evaluate both branches to find
/// the result type but report only the chosen branch's errors.
struct Evaluation {
    /// Returns the value a reference's path names (`infra.vars.x`, `network.vpc_id`).
    typealias Resolver = (Reference) throws(ExpressionError) -> TypedValue

    let resolve: Resolver
    private var locals: [(name: String, value: TypedValue)] = []
    private var splatItems: [TypedValue] = []

    init(resolve: @escaping Resolver) {
        self.resolve = resolve
    }

    // MARK: Templates

    /// The value of a template: a single interpolation keeps its value and type; anything else is a string.
    mutating func evaluate(_ template: Template) throws(ExpressionError) -> TypedValue {
        if template.isSingleInterpolation, case .interpolation(let expression) = template.parts[0] {
            return try evaluate(expression)
        }
        var text = ""
        var unknown = false
        try render(template.parts, into: &text, unknown: &unknown)
        return unknown ? .unknown(.string) : .string(text)
    }

    private mutating func render(_ parts: [Template.Part], into text: inout String, unknown: inout Bool)
        throws(ExpressionError)
    {
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .interpolation(let expression):
                let value = try evaluate(expression)
                if let piece = try Self.templateString(value, at: expression.location) {
                    text += piece
                } else {
                    unknown = true
                }
            case .conditional(let condition, let then, let otherwise, _):
                let value = try evaluate(condition)
                guard let flag = try Self.condition(value, at: condition.location, what: "the `%{ if }` condition")
                else {
                    unknown = true
                    continue
                }
                try render(flag ? then : otherwise, into: &text, unknown: &unknown)
            case .loop(let keyName, let valueName, let collection, let body, _):
                let source = try evaluate(collection)
                guard let elements = try Self.iterate(source, at: collection.location, what: "a `%{ for }` directive")
                else {
                    unknown = true
                    continue
                }
                for (key, element) in elements {
                    let bound = bind(keyName: keyName, key: key, valueName: valueName, value: element)
                    defer { locals.removeLast(bound) }
                    try render(body, into: &text, unknown: &unknown)
                }
            }
        }
    }

    /// The string an interpolated value contributes, or nil when it is unknown.
    private static func templateString(_ value: TypedValue, at location: SourceLocation) throws(ExpressionError)
        -> String?
    {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.description
        case .bool(let flag): return flag ? "true" : "false"
        case .unknown: return nil
        case .null:
            throw ExpressionError(
                at: location, "cannot include a null value in a string template",
                hint: "use a conditional or `coalesce(...)` to give a default")
        default:
            throw ExpressionError(
                at: location, "cannot include \(value.type.withArticle) in a string template: a string is required",
                hint: value.sequenceElements != nil
                    ? "use `join(\",\", ...)` to turn the list into a string"
                    : "pick one value with an index such as `[\"key\"]`, or use `jsonencode(...)`")
        }
    }

    // MARK: Expressions

    mutating func evaluate(_ expression: Expression) throws(ExpressionError) -> TypedValue {
        switch expression {
        case .literal(let value, _):
            return value
        case .template(let template):
            return try evaluate(template)
        case .reference(let reference):
            return try resolve(reference)
        case .local(let name, let location):
            guard let bound = locals.last(where: { $0.name == name }) else {
                throw ExpressionError(at: location, "`\(name)` is not defined here")
            }
            return bound.value
        case .splatItem(let location):
            guard let item = splatItems.last else { throw ExpressionError(at: location, "a splat item outside a splat") }
            return item
        case .parenthesized(let inner, _):
            return try evaluate(inner)
        case .attribute(let base, let name, let location):
            return try Self.attribute(name, of: try evaluate(base), at: location)
        case .index(let base, let key, let location):
            let collection = try evaluate(base)
            let keyValue = try evaluate(key)
            return try Self.index(collection, with: keyValue, at: location)
        case .splat(let base, let each, let location):
            return try splat(try evaluate(base), each: each, at: location)
        case .call(let name, let arguments, let expandFinal, let location):
            return try call(name, arguments: arguments, expandFinal: expandFinal, at: location)
        case .tuple(let items, _):
            var values: [TypedValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .tuple(values)
        case .object(let items, _):
            return try object(items)
        case .conditional(let condition, let whenTrue, let whenFalse):
            return try conditional(condition, whenTrue, whenFalse)
        case .unary(let op, let operand, _):
            return try unary(op, operand)
        case .binary(let op, let lhs, let rhs, let location):
            return try binary(op, lhs, rhs, at: location)
        case .forExpression(let loop):
            return try forExpression(loop)
        }
    }

    // MARK: Bindings

    private mutating func bind(keyName: String?, key: TypedValue, valueName: String, value: TypedValue) -> Int {
        if let keyName {
            locals.append((keyName, key))
            locals.append((valueName, value))
            return 2
        }
        locals.append((valueName, value))
        return 1
    }

    // MARK: Objects and splats

    private mutating func object(_ items: [Expression.ObjectItem]) throws(ExpressionError) -> TypedValue {
        var attributes: [String: TypedValue] = [:]
        var unknown = false
        for item in items {
            let key = try evaluate(item.key)
            let value = try evaluate(item.value)
            switch key {
            case .unknown:
                unknown = true
            case .null:
                throw ExpressionError(at: item.key.location, "an object key cannot be null")
            default:
                guard let name = try? TypeConversion.convert(key, to: .string), case .string(let text) = name else {
                    throw ExpressionError(
                        at: item.key.location,
                        "an object key must be a string, got a \(key.type.friendlyName)")
                }
                attributes[text] = value
            }
        }
        return unknown ? .unknown(.dynamic) : .object(attributes)
    }

    private mutating func splat(_ source: TypedValue, each: Expression, at location: SourceLocation)
        throws(ExpressionError) -> TypedValue
    {
        let elements: [TypedValue]
        var asList = false
        switch source {
        case .unknown:
            return .unknown(.dynamic)
        case .null(let type):
            switch type {
            case .list, .set, .tuple:
                throw ExpressionError(at: location, "a splat (`[*]`) cannot be applied to a null \(type.friendlyName)")
            default:
                return .tuple([])
            }
        case .list(let items, _), .set(let items, _):
            elements = items
            asList = true
        case .tuple(let items):
            elements = items
        default:
            elements = [source]
        }
        var results: [TypedValue] = []
        results.reserveCapacity(elements.count)
        for element in elements {
            splatItems.append(element)
            defer { splatItems.removeLast() }
            results.append(try evaluate(each))
        }
        guard asList else { return .tuple(results) }
        guard let first = results.first else { return .list([], .dynamic) }
        guard results.allSatisfy({ $0.type == first.type }) else {
            throw ExpressionError(
                at: location, "the splat produced elements of different types, so they cannot form a list",
                hint: "use a `for` expression, which makes a tuple")
        }
        return .list(results, first.type)
    }

    // MARK: Conditionals

    private mutating func conditional(_ condition: Expression, _ whenTrue: Expression, _ whenFalse: Expression)
        throws(ExpressionError) -> TypedValue
    {
        var trueResult: Result<TypedValue, ExpressionError>
        do throws(ExpressionError) { trueResult = .success(try evaluate(whenTrue)) } catch { trueResult = .failure(error) }
        var falseResult: Result<TypedValue, ExpressionError>
        do throws(ExpressionError) { falseResult = .success(try evaluate(whenFalse)) } catch {
            falseResult = .failure(error)
        }
        let trueValue = (try? trueResult.get()) ?? .unknown(.dynamic)
        let falseValue = (try? falseResult.get()) ?? .unknown(.dynamic)
        let untypedNull = TypedValue.null(.dynamic)
        let dynamic = trueValue.type == .dynamic || falseValue.type == .dynamic
        let staticType: ValueType?
        if trueValue == untypedNull {
            staticType = falseValue.type
        } else if falseValue == untypedNull {
            staticType = trueValue.type
        } else if dynamic {
            staticType = .dynamic
        } else {
            staticType = TypeConversion.unify([trueValue.type, falseValue.type])
        }
        guard let resultType = staticType else {
            throw ExpressionError(
                at: whenTrue.location,
                "the true and false results of the conditional have inconsistent types: \(trueValue.type.friendlyName) and \(falseValue.type.friendlyName)",
                hint: "convert them to one type, e.g. with `tostring(...)` or `tolist(...)`")
        }
        let value = try evaluate(condition)
        guard let flag = try Self.condition(value, at: condition.location, what: "the condition") else {
            return .unknown(resultType)
        }
        let chosenExpression = flag ? whenTrue : whenFalse
        let chosen = try (flag ? trueResult : falseResult).get()
        do throws(ConversionError) {
            if trueValue == untypedNull || falseValue == untypedNull {
                return try TypeConversion.convert(chosen, to: resultType)
            }
            if dynamic { return chosen }
            guard let unified = try TypeConversion.unifyValues([trueValue, falseValue], convertingOnly: flag ? 0 : 1)
            else { return chosen }
            return unified.values[flag ? 0 : 1]
        } catch {
            throw ExpressionError(
                at: chosenExpression.location,
                "the \(flag ? "true" : "false") result of the conditional has the wrong type: \(error.message)")
        }
    }

    /// A condition's truth, or nil when it is unknown.
    static func condition(_ value: TypedValue, at location: SourceLocation, what: String) throws(ExpressionError)
        -> Bool?
    {
        switch value {
        case .bool(let flag): return flag
        case .unknown: return nil
        case .null:
            throw ExpressionError(at: location, "\(what) is null: it must be true or false")
        default:
            guard let converted = try? TypeConversion.convert(value, to: .bool), case .bool(let flag) = converted else {
                throw ExpressionError(
                    at: location, "\(what) must be a bool, got \(Self.describe(value))",
                    hint: "compare it, e.g. `x == \"yes\"`, to make a bool")
            }
            return flag
        }
    }

    // MARK: For expressions

    /// The key and value of each element of a collection, in Terraform's iteration order; nil when unknown.
    static func iterate(_ collection: TypedValue, at location: SourceLocation, what: String) throws(ExpressionError)
        -> [(TypedValue, TypedValue)]?
    {
        switch collection {
        case .unknown:
            return nil
        case .null:
            throw ExpressionError(at: location, "cannot iterate over a null value in \(what)")
        case .list(let items, _), .tuple(let items):
            return items.enumerated().map { (TypedValue.number(Number($0.offset)), $0.element) }
        case .set(let items, _):
            return items.map { ($0, $0) }
        case .map(let entries, _), .object(let entries):
            return entries.keys.sorted().map { (TypedValue.string($0), entries[$0] ?? .null(.dynamic)) }
        default:
            throw ExpressionError(
                at: location, "\(collection.type.withArticle) cannot be iterated over in \(what)",
                hint: "iterate over a list, set, tuple, map or object")
        }
    }

    private mutating func forExpression(_ loop: ForExpression) throws(ExpressionError) -> TypedValue {
        let source = try evaluate(loop.collection)
        guard let elements = try Self.iterate(source, at: loop.collection.location, what: "a `for` expression") else {
            return .unknown(.dynamic)
        }
        var items: [TypedValue] = []
        var attributes: [String: TypedValue] = [:]
        var groups: [String: [TypedValue]] = [:]
        var unknown = false
        for (key, element) in elements {
            let bound = bind(keyName: loop.keyName, key: key, valueName: loop.valueName, value: element)
            defer { locals.removeLast(bound) }
            if let condition = loop.condition {
                let value = try evaluate(condition)
                guard let keep = try Self.condition(value, at: condition.location, what: "the `if` of a `for` expression")
                else {
                    unknown = true
                    continue
                }
                if !keep { continue }
            }
            guard let keyExpression = loop.key else {
                items.append(try evaluate(loop.value))
                continue
            }
            let keyValue = try evaluate(keyExpression)
            let value = try evaluate(loop.value)
            switch keyValue {
            case .unknown:
                unknown = true
                continue
            case .null:
                throw ExpressionError(at: keyExpression.location, "the key of an object `for` expression cannot be null")
            default:
                guard let converted = try? TypeConversion.convert(keyValue, to: .string), case .string(let name) = converted
                else {
                    throw ExpressionError(
                        at: keyExpression.location,
                        "the key of an object `for` expression must be a string, got \(Self.describe(keyValue))")
                }
                if loop.grouping {
                    groups[name, default: []].append(value)
                } else if attributes[name] != nil {
                    throw ExpressionError(
                        at: keyExpression.location, "two elements produced the key `\(name)` in this `for` expression",
                        hint: "add `...` after the value expression to group values by key")
                } else {
                    attributes[name] = value
                }
            }
        }
        if unknown { return .unknown(.dynamic) }
        if loop.key == nil { return .tuple(items) }
        if loop.grouping { return .object(groups.mapValues { .tuple($0) }) }
        return .object(attributes)
    }

    // MARK: Attributes and indices

    static func attribute(_ name: String, of value: TypedValue, at location: SourceLocation) throws(ExpressionError)
        -> TypedValue
    {
        switch value {
        case .unknown:
            return .unknown(.dynamic)
        case .null:
            throw ExpressionError(at: location, "cannot read attribute `\(name)` of a null value")
        case .object(let attributes):
            guard let found = attributes[name] else {
                throw ExpressionError(
                    at: location, "the object has no attribute `\(name)`",
                    hint: Self.keyHint(name, among: Array(attributes.keys)))
            }
            return found
        case .map(let entries, _):
            guard let found = entries[name] else {
                throw ExpressionError(
                    at: location, "the map has no element with the key `\(name)`",
                    hint: Self.keyHint(name, among: Array(entries.keys)))
            }
            return found
        case .list, .set, .tuple:
            throw ExpressionError(
                at: location, "cannot read attribute `\(name)` of a \(value.type.friendlyName)",
                hint: "pick one element with an index such as `[0]`, or use a splat `[*].\(name)` for all of them")
        default:
            throw ExpressionError(at: location, "cannot read attribute `\(name)` of a \(value.type.friendlyName)")
        }
    }

    static func index(_ collection: TypedValue, with key: TypedValue, at location: SourceLocation)
        throws(ExpressionError) -> TypedValue
    {
        switch collection {
        case .unknown:
            return .unknown(.dynamic)
        case .null:
            throw ExpressionError(at: location, "cannot index a null value")
        case .list(let items, _), .tuple(let items):
            if key.isUnknown { return .unknown(.dynamic) }
            guard let converted = try? TypeConversion.convert(key, to: .number), case .number(let number) = converted
            else {
                throw ExpressionError(at: location, "a \(collection.type.friendlyName) is indexed by a number, got \(describe(key))")
            }
            guard number.isInteger, let index = number.intValue else {
                throw ExpressionError(at: location, "index `\(number)` is not a whole number")
            }
            guard items.indices.contains(index) else {
                let elements = items.count == 1 ? "1 element" : "\(items.count) elements"
                throw ExpressionError(
                    at: location, "index `\(index)` is out of range for a \(collection.type.friendlyName) of \(elements)",
                    hint: items.isEmpty ? "it is empty" : "valid indices are 0-\(items.count - 1)")
            }
            return items[index]
        case .map(let entries, _), .object(let entries):
            if key.isUnknown { return .unknown(.dynamic) }
            guard let converted = try? TypeConversion.convert(key, to: .string), case .string(let name) = converted else {
                throw ExpressionError(at: location, "a \(collection.type.friendlyName) is indexed by a string, got \(describe(key))")
            }
            guard let found = entries[name] else {
                let what = if case .object = collection { "the object has no attribute" } else { "the map has no element with the key" }
                throw ExpressionError(
                    at: location, "\(what) `\(name)`", hint: Self.keyHint(name, among: Array(entries.keys)))
            }
            return found
        case .set:
            throw ExpressionError(
                at: location, "a set cannot be indexed: its elements have no order",
                hint: "convert it with `tolist(...)`, or iterate with a `for` expression")
        default:
            throw ExpressionError(at: location, "a \(collection.type.friendlyName) cannot be indexed", hint: "only lists, tuples, maps and objects can be")
        }
    }

    static func keyHint(_ name: String, among keys: [String]) -> String {
        if let closest = Suggestions.closest(to: name, in: keys) { return "did you mean `\(closest)`?" }
        if keys.isEmpty { return "it is empty" }
        let sorted = keys.sorted()
        return "its keys are " + sorted.prefix(8).map { "`\($0)`" }.joined(separator: ", ") + (sorted.count > 8 ? ", …" : "")
    }

    /// A short description of a value for messages: `string "abc"`, `number 3`, `list of string`.
    static func describe(_ value: TypedValue) -> String {
        switch value {
        case .string(let text) where text.unicodeScalars.count <= 40 && !text.contains("\n"): "string `\(text)`"
        case .number(let number): "number `\(number)`"
        case .bool(let flag): "bool `\(flag)`"
        case .null: "null"
        default: value.type.friendlyName
        }
    }
}
