extension Expression {
    /// This expression with each reference `transform` answers for replaced by its answer, at any depth (templates,
    /// directives and `for` expressions included). Used to fill in what is known before any unit runs, such as an
    /// addon's settings.
    public func replacingReferences(_ transform: (Reference) -> Expression?) -> Expression {
        func go(_ expression: Expression) -> Expression { expression.replacingReferences(transform) }
        switch self {
        case .literal, .local, .splatItem:
            return self
        case .reference(let reference):
            return transform(reference) ?? self
        case .template(let template):
            return .template(template.replacingReferences(transform))
        case .attribute(let base, let name, let location):
            return .attribute(go(base), name: name, location: location)
        case .index(let base, let key, let location):
            return .index(go(base), key: go(key), location: location)
        case .splat(let base, let each, let location):
            return .splat(go(base), each: go(each), location: location)
        case .call(let name, let arguments, let expandFinal, let location):
            return .call(name: name, arguments: arguments.map(go), expandFinal: expandFinal, location: location)
        case .tuple(let items, let location):
            return .tuple(items.map(go), location: location)
        case .object(let items, let location):
            return .object(items.map { ObjectItem(key: go($0.key), value: go($0.value)) }, location: location)
        case .conditional(let condition, let whenTrue, let whenFalse):
            return .conditional(go(condition), whenTrue: go(whenTrue), whenFalse: go(whenFalse))
        case .unary(let op, let operand, let location):
            return .unary(op, go(operand), location: location)
        case .parenthesized(let operand, let location):
            return .parenthesized(go(operand), location: location)
        case .binary(let op, let lhs, let rhs, let location):
            return .binary(op, go(lhs), go(rhs), location: location)
        case .forExpression(var loop):
            loop.collection = go(loop.collection)
            loop.key = loop.key.map(go)
            loop.value = go(loop.value)
            loop.condition = loop.condition.map(go)
            return .forExpression(loop)
        }
    }
}

extension Template {
    /// This template with each reference `transform` answers for replaced, in every part.
    public func replacingReferences(_ transform: (Reference) -> Expression?) -> Template {
        func replaced(_ parts: [Part]) -> [Part] {
            parts.map { part -> Part in
                switch part {
                case .literal:
                    return part
                case .interpolation(let expression):
                    return .interpolation(expression.replacingReferences(transform))
                case .conditional(let condition, let then, let otherwise, let location):
                    return .conditional(
                        condition.replacingReferences(transform), then: replaced(then), otherwise: replaced(otherwise), location: location)
                case .loop(let keyName, let valueName, let collection, let body, let location):
                    return .loop(
                        keyName: keyName, valueName: valueName, collection: collection.replacingReferences(transform),
                        body: replaced(body), location: location)
                }
            }
        }
        return Template(parts: replaced(parts), location: location, text: text)
    }
}

extension InputValue {
    /// This value with each reference `transform` answers for replaced, in every template it holds.
    public func replacingReferences(_ transform: (Reference) -> Expression?) -> InputValue {
        switch self {
        case .literal: self
        case .template(let template): .template(template.replacingReferences(transform))
        case .list(let items, let location): .list(items.map { $0.replacingReferences(transform) }, location)
        case .map(let entries, let location): .map(entries.mapValues { $0.replacingReferences(transform) }, location)
        }
    }
}
