/// One expression inside `${...}`: a literal, a reference, a function call, a list, a map or an index.
public indirect enum Expression: Hashable, Sendable {
    /// A string, number, bool or null literal.
    case literal(Value, location: SourceLocation)
    /// A reference such as `network.vpc_id` (with its index suffixes).
    case reference(Reference)
    /// A function call `name(arguments...)`; `location` is where the name starts.
    case call(name: String, arguments: [Expression], location: SourceLocation)
    /// A list literal `[a, b]`; `location` is where `[` sits.
    case list([Expression], location: SourceLocation)
    /// A map literal `{ key = value }`; `location` is where `{` sits.
    case map([MapEntry], location: SourceLocation)
    /// An index applied to a value that is not a reference, e.g. `split(",", s)[0]`; located at the base.
    case index(Expression, key: Expression)

    /// Where the expression starts.
    public var location: SourceLocation {
        switch self {
        case .literal(_, let location): location
        case .reference(let reference): reference.location
        case .call(_, _, let location): location
        case .list(_, let location): location
        case .map(_, let location): location
        case .index(let base, _): base.location
        }
    }

    /// All references in this expression, in source order, including those in arguments and indices.
    public var references: [Reference] {
        var result: [Reference] = []
        collectReferences(into: &result)
        return result
    }

    func collectReferences(into result: inout [Reference]) {
        switch self {
        case .literal:
            break
        case .reference(let reference):
            result.append(reference)
            for index in reference.indices { index.collectReferences(into: &result) }
        case .call(_, let arguments, _):
            for argument in arguments { argument.collectReferences(into: &result) }
        case .list(let items, _):
            for item in items { item.collectReferences(into: &result) }
        case .map(let entries, _):
            for entry in entries { entry.value.collectReferences(into: &result) }
        case .index(let base, let key):
            base.collectReferences(into: &result)
            key.collectReferences(into: &result)
        }
    }
}
