/// The type of a `TypedValue`, as Terraform's type system (cty) has it.
///
/// `dynamic` stands for "any type": the type of an untyped `null`, of an unknown value whose type is not known yet,
/// and of a function parameter that accepts anything.
public indirect enum ValueType: Hashable, Sendable {
    case dynamic
    case string
    case number
    case bool
    case list(ValueType)
    case set(ValueType)
    case map(ValueType)
    case tuple([ValueType])
    case object([String: ValueType])

    /// Whether this is a primitive type: string, number or bool.
    public var isPrimitive: Bool {
        switch self {
        case .string, .number, .bool: true
        default: false
        }
    }

    /// The element type of a list, set or map; nil for other types.
    public var elementType: ValueType? {
        switch self {
        case .list(let element), .set(let element), .map(let element): element
        default: nil
        }
    }

    /// Whether the type contains `dynamic` anywhere.
    public var hasDynamic: Bool {
        switch self {
        case .dynamic: true
        case .string, .number, .bool: false
        case .list(let element), .set(let element), .map(let element): element.hasDynamic
        case .tuple(let elements): elements.contains { $0.hasDynamic }
        case .object(let attributes): attributes.values.contains { $0.hasDynamic }
        }
    }

    /// The type as Terraform names it in messages: `string`, `list of string`, `tuple`, `object`, `map of number`.
    public var friendlyName: String {
        switch self {
        case .dynamic: "dynamic"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .list(let element): element == .dynamic ? "list" : "list of \(element.friendlyName)"
        case .set(let element): element == .dynamic ? "set" : "set of \(element.friendlyName)"
        case .map(let element): element == .dynamic ? "map" : "map of \(element.friendlyName)"
        case .tuple: "tuple"
        case .object: "object"
        }
    }

    /// The friendly name with its article: `a string`, `an object`, `a list of number`.
    public var withArticle: String {
        let name = friendlyName
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }

    /// The type written as a Terraform type expression: `list(string)`, `object({a=number})`.
    public var typeExpression: String {
        switch self {
        case .dynamic: "any"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .list(let element): "list(\(element.typeExpression))"
        case .set(let element): "set(\(element.typeExpression))"
        case .map(let element): "map(\(element.typeExpression))"
        case .tuple(let elements): "tuple([\(elements.map(\.typeExpression).joined(separator: ", "))])"
        case .object(let attributes):
            "object({\(attributes.keys.sorted().map { "\($0)=\(attributes[$0]?.typeExpression ?? "any")" }.joined(separator: ", "))})"
        }
    }
}
